"""Tokens for mailed links: random, stored hashed, bound to a purpose, single use, expiring."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from myapp.database import utcnow
from myapp.extensions import db
from myapp.sessions.tokens import hash_token
from myapp.tokens import Token, find_token, issue_token, revoke_tokens, use_token


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def issue(user, purpose="reset_password", **kwargs) -> str:
    raw = issue_token(purpose, user_id=user.id, max_age=3600, **kwargs)
    db.session.commit()
    return raw


def expire_all() -> None:
    db.session.execute(update(Token).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()


def test_a_token_has_256_random_bits_and_only_its_hash_is_stored(ctx, user):
    raws = {issue(user) for _ in range(3)}
    assert len(raws) == 3
    assert all(len(raw) == 43 for raw in raws)  # 32 bytes of urlsafe base64
    stored = set(db.session.scalars(select(Token.token_hash)))
    assert stored == {hash_token(raw) for raw in raws}
    assert raws.isdisjoint(stored)


def test_find_reads_without_using_up(ctx, user):
    raw = issue(user, email="ada@example.com", data={"session": "abc"})
    for _ in range(2):
        grant = find_token("reset_password", raw)
        assert (grant.user_id, grant.email, grant.data) == (
            user.id,
            "ada@example.com",
            {"session": "abc"},
        )


def test_a_token_is_used_once(ctx, user):
    raw = issue(user)
    assert use_token("reset_password", raw).user_id == user.id
    db.session.commit()
    assert use_token("reset_password", raw) is None
    assert find_token("reset_password", raw) is None


def test_a_rolled_back_use_leaves_the_token_working(ctx, user):
    raw = issue(user)
    assert use_token("reset_password", raw) is not None
    db.session.rollback()
    assert find_token("reset_password", raw) is not None


def test_a_token_of_one_purpose_is_never_accepted_for_another(ctx, user):
    raw = issue(user, purpose="verify_email")
    assert find_token("reset_password", raw) is None
    assert use_token("reset_password", raw) is None
    assert use_token("verify_email", raw) is not None


def test_an_expired_token_is_refused(ctx, user):
    raw = issue(user)
    expire_all()
    assert find_token("reset_password", raw) is None
    assert use_token("reset_password", raw) is None


@pytest.mark.parametrize("raw", [None, "", "short", "x" * 43 + "\x00", "!" * 43])
def test_malformed_tokens_are_refused_without_a_query(ctx, user, raw, count_queries):
    _, statements = count_queries(lambda: (find_token("reset_password", raw), use_token("x", raw)))
    assert statements == []


def test_revoke_ends_one_users_tokens_of_one_purpose(ctx, user, app):
    from tests import factories

    other = factories.make_user(app)
    mine, theirs, verify = issue(user), issue(other), issue(user, purpose="verify_email")
    assert revoke_tokens("reset_password", user_id=user.id) == 1
    db.session.commit()
    assert find_token("reset_password", mine) is None
    assert find_token("reset_password", theirs) is not None
    assert find_token("verify_email", verify) is not None


def test_issuing_needs_a_purpose_and_someone_to_issue_for(ctx, user):
    with pytest.raises(ValueError):
        issue_token("", user_id=user.id, max_age=60)
    with pytest.raises(ValueError):
        issue_token("x" * 33, user_id=user.id, max_age=60)
    with pytest.raises(ValueError):
        issue_token("invite", max_age=60)


def test_clear_expired_deletes_expired_tokens_only(app, user):
    with app.test_request_context():
        kept = issue(user)
        issue(user, purpose="verify_email")
        db.session.execute(
            update(Token)
            .where(Token.purpose == "verify_email")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["sessions", "clear-expired"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired link" in result.output
    with app.app_context():
        assert list(db.session.scalars(select(Token.token_hash))) == [hash_token(kept)]
