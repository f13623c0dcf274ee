"""Clients are immutable builders and every action must be named where it is defined."""

import pytest

from myapp.actions import ActionClient, MissingMetadataError

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def noop(*, ctx, metadata, client_input, next):
    return next()


def test_use_metadata_and_schema_return_new_clients(contact_form):
    used = action_client.use(noop)
    named = used.metadata(action_name="named")
    with_schema = named.schema(contact_form)

    assert len({id(action_client), id(used), id(named), id(with_schema)}) == 4
    assert all(isinstance(c, ActionClient) for c in (used, named, with_schema))
    assert (action_client._middleware, action_client._metadata, action_client._schema) == (
        (),
        {},
        None,
    )
    assert (used._middleware, used._metadata, used._schema) == ((noop,), {}, None)
    assert (named._middleware, named._metadata, named._schema) == (
        (noop,),
        {"action_name": "named"},
        None,
    )
    assert with_schema._schema is contact_form


def test_metadata_replaces_earlier_metadata():
    client = action_client.metadata(action_name="first", audit=True).metadata(action_name="second")

    assert client._metadata == {"action_name": "second"}


def test_action_without_action_name_fails_at_definition_time():
    with pytest.raises(MissingMetadataError, match="unnamed"):

        @action_client.action
        def unnamed(parsed_input, ctx):
            pass


def test_empty_action_name_is_refused():
    with pytest.raises(MissingMetadataError):
        action_client.metadata(action_name="")


def test_action_keeps_the_function_name_doc_and_metadata():
    @action_client.metadata(action_name="documented", audit=True).action
    def documented(parsed_input, ctx):
        """Do the documented thing."""

    assert (documented.__name__, documented.__doc__) == ("documented", "Do the documented thing.")
    assert dict(documented.metadata) == {"action_name": "documented", "audit": True}
    assert documented.action_name == "documented"
