"""Liveness and readiness probes (the database-down side is in test_database_faults.py)."""


def test_healthz_answers_without_the_database(client, count_queries):
    response, statements = count_queries(lambda: client.get("/healthz"))

    assert response.status_code == 200
    assert response.data == b"ok\n"
    assert statements == []


def test_readyz_asks_the_database(client, count_queries):
    response, statements = count_queries(lambda: client.get("/readyz"))

    assert response.status_code == 200
    assert response.data == b"ready\n"
    assert statements == ["SELECT 1"]
