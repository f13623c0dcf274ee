"""return_validation_errors() inside an action answers 422 as if the form had failed."""

from myapp.actions import ActionClient, ActionResult, return_validation_errors

#: A client straight from the library, with no middleware.
action_client = ActionClient()

VALID = {"name": "Ada", "email": "ada@example.com"}


def test_field_and_form_level_messages_become_validation_errors(request_context, contact_form):
    @action_client.metadata(action_name="create_contact").schema(contact_form).action
    def create_contact(parsed_input, ctx):
        return_validation_errors(
            {"email": ["A contact with this email exists."]},
            form_errors=["Contacts are limited to 100."],
        )

    result = create_contact(VALID)

    assert result == ActionResult(
        validation_errors={
            "email": ["A contact with this email exists."],
            "_errors": ["Contacts are limited to 100."],
        },
        status=422,
    )
    assert result.form.email.errors == ["A contact with this email exists."]
    assert result.form.name.errors == []
    assert result.form.form_errors == ["Contacts are limited to 100."]


def test_a_message_for_an_undeclared_field_shows_on_the_form_as_a_whole(
    request_context, contact_form
):
    @action_client.metadata(action_name="invite").schema(contact_form).action
    def invite(parsed_input, ctx):
        return_validation_errors({"role": "Pick a role you may grant."})

    result = invite(VALID)

    assert result == ActionResult(
        validation_errors={"role": ["Pick a role you may grant."]}, status=422
    )
    assert result.form.form_errors == ["Pick a role you may grant."]


def test_without_a_schema_only_the_result_carries_the_messages(request_context):
    @action_client.metadata(action_name="sign_in").action
    def sign_in(parsed_input, ctx):
        return_validation_errors({"_errors": ["Wrong email or password."]})

    assert sign_in({}) == ActionResult(
        validation_errors={"_errors": ["Wrong email or password."]}, status=422
    )


def test_calling_it_with_no_messages_is_a_bug(request_context):
    @action_client.metadata(action_name="silent").action
    def silent(parsed_input, ctx):
        return_validation_errors()

    assert silent() == ActionResult(
        server_error="Something went wrong while executing the operation.", status=500
    )
