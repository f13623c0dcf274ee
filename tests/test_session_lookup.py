"""The hot-path lookup reads its row by position: the statement and the row must agree."""

from myapp.database import UTCDateTime
from myapp.sessions import lookup


def test_the_statement_selects_exactly_the_rows_fields_in_order():
    selected = [column.name for column in lookup._LOOKUP.selected_columns]

    assert selected == list(lookup._Row._fields)


def test_the_columns_converted_to_utc_are_exactly_the_datetime_columns():
    datetime_positions = tuple(
        index
        for index, column in enumerate(lookup._LOOKUP.selected_columns)
        if isinstance(column.type, UTCDateTime)
    )

    assert datetime_positions == lookup._DATETIME_COLUMNS
