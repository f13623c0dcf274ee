"""One lookup per request: deduped_auth() caches, auth() does not, steady GETs write nothing."""

from myapp.sessions import auth, deduped_auth


def request_with_token(app, client):
    token = client.session_token()
    cookie = f"{app.config['SESSION_TOKEN_COOKIE_NAME']}={token}"
    return app.test_request_context("/", headers={"Cookie": cookie})


def test_five_deduped_auth_calls_issue_one_query(app, signed_in, count_queries):
    with request_with_token(app, signed_in):
        results, statements = count_queries(lambda: [deduped_auth() for _ in range(5)])
    assert len(statements) == 1
    assert all(result is results[0] for result in results)
    assert results[0].user.email == "ada@example.com"


def test_five_auth_calls_issue_five_queries(app, signed_in, count_queries):
    with request_with_token(app, signed_in):
        results, statements = count_queries(lambda: [auth() for _ in range(5)])
    assert len(statements) == 5
    assert {result.id for result in results} == {results[0].id}


def test_steady_state_authenticated_get_issues_exactly_one_statement(signed_in, count_queries):
    signed_in.get("/api/auth/session")  # the first request may slide the expiry
    response, statements = count_queries(lambda: signed_in.get("/api/auth/session"))
    assert response.json["user"]["email"] == "ada@example.com"
    assert len(statements) == 1
    assert statements[0].lstrip().upper().startswith("SELECT")


def test_page_and_layout_share_one_session_lookup(signed_in, count_queries):
    response, statements = count_queries(lambda: signed_in.get("/organizations"))
    assert response.status_code == 200
    assert "Ada Lovelace" in response.text  # the layout's user menu
    assert sum("sessions" in s and "token_hash" in s for s in statements) == 1


def test_signed_out_request_issues_no_query(client, count_queries):
    response, statements = count_queries(lambda: client.get("/api/auth/session"))
    assert response.json is None
    assert statements == []


def test_healthz_touches_neither_database_nor_session(signed_in, count_queries):
    response, statements = count_queries(lambda: signed_in.get("/healthz"))
    assert response.status_code == 200
    assert statements == []
