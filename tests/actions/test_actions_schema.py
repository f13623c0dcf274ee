"""A schema binds the form to the input after middleware, and reads only declared fields."""

from werkzeug.datastructures import ImmutableMultiDict

from myapp.actions import ActionClient, ActionResult

#: A client straight from the library, with no middleware.
action_client = ActionClient()


def make_action(contact_form, calls):
    @action_client.metadata(action_name="create_contact").schema(contact_form).action
    def create_contact(parsed_input, ctx):
        calls.append(parsed_input)
        return parsed_input

    return create_contact


def test_invalid_input_returns_field_errors_and_never_calls_the_function(
    request_context, contact_form
):
    calls = []

    result = make_action(contact_form, calls)(ImmutableMultiDict({"name": "x" * 21}))

    assert result == ActionResult(
        validation_errors={
            "name": ["Field cannot be longer than 20 characters."],
            "email": ["This field is required."],
        },
        status=422,
    )
    assert calls == []
    assert isinstance(result.form, contact_form)
    assert result.form.name.data == "x" * 21


def test_valid_input_passes_declared_fields_only(request_context, contact_form):
    calls = []
    form_post = ImmutableMultiDict(
        {
            "name": "Ada",
            "email": "ada@example.com",
            "submit": "Save",
            "organization_id": "999",
            "id": "7",
            "role": "owner",
        }
    )

    result = make_action(contact_form, calls)(form_post)

    assert result == ActionResult(data={"name": "Ada", "email": "ada@example.com"}, status=200)
    assert calls == [{"name": "Ada", "email": "ada@example.com"}]
    assert isinstance(result.form, contact_form)


def test_the_form_does_not_check_csrf(request_context, contact_form, actions_app):
    # CSRFProtect checks the token before the view runs; a post without one never gets here.
    assert actions_app.config["WTF_CSRF_ENABLED"] is True

    result = make_action(contact_form, [])({"name": "Ada", "email": "ada@example.com"})

    assert result == ActionResult(data={"name": "Ada", "email": "ada@example.com"}, status=200)
    assert "csrf_token" not in result.form


def test_no_input_validates_as_an_empty_post(request_context, contact_form):
    result = make_action(contact_form, [])(None)

    assert result == ActionResult(
        validation_errors={
            "name": ["This field is required."],
            "email": ["This field is required."],
        },
        status=422,
    )


def test_without_schema_the_function_gets_the_raw_input(request_context):
    @action_client.metadata(action_name="raw").action
    def raw(parsed_input, ctx):
        return parsed_input

    form_post = ImmutableMultiDict({"anything": "goes"})

    assert raw(form_post) == ActionResult(data=form_post, status=200)
    assert raw() == ActionResult(data=None, status=200)


def test_middleware_runs_before_validation(request_context, contact_form):
    calls = []

    def record(*, ctx, metadata, client_input, next):
        calls.append("middleware")
        result = next()
        calls.append(f"middleware saw {result.status}")
        return result

    @action_client.use(record).metadata(action_name="late").schema(contact_form).action
    def late(parsed_input, ctx):
        calls.append("function")

    result = late({})

    assert result.status == 422
    assert calls == ["middleware", "middleware saw 422"]


def test_keyword_arguments_reach_the_function_unvalidated(request_context, contact_form):
    @action_client.metadata(action_name="update_contact").schema(contact_form).action
    def update_contact(parsed_input, ctx, *, contact_id):
        return (contact_id, parsed_input["name"])

    result = update_contact({"name": "Ada", "email": "a@example.com"}, contact_id=7)

    assert result == ActionResult(data=(7, "Ada"), status=200)
