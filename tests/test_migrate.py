"""``flask db`` reaches Flask-Migrate's commands, which the app loads only when one runs."""

from sqlalchemy import inspect

from myapp import create_app
from myapp.extensions import db
from tests.support import base_settings


def test_flask_db_upgrade_builds_the_schema_the_models_declare(tmp_path):
    app = create_app(base_settings(f"sqlite:///{tmp_path / 'cli.sqlite3'}"))
    runner = app.test_cli_runner()

    upgraded = runner.invoke(args=["db", "upgrade"])
    # `check` fails when the models hold anything the migrated database lacks.
    checked = runner.invoke(args=["db", "check"])

    assert upgraded.exit_code == 0, upgraded.output
    assert checked.exit_code == 0, checked.output
    with app.app_context():
        assert "sessions" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_flask_db_passes_its_group_options_to_flask_migrate(tmp_path, caplog):
    app = create_app(base_settings(f"sqlite:///{tmp_path / 'cli.sqlite3'}"))
    elsewhere = tmp_path / "elsewhere"

    result = app.test_cli_runner().invoke(args=["db", "--directory", str(elsewhere), "heads"])

    assert result.exit_code != 0
    # Flask-Migrate logs its errors.
    assert f"Path doesn't exist: {elsewhere}" in caplog.text
