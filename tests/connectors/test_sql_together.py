"""The sql kind's together(): several changes to one system in one transaction."""

from __future__ import annotations

import pytest
from crm_source import Source

from dataward.core.errors import ConnectorError


def test_changes_made_together_are_rolled_back_together_when_one_fails(crm: Source) -> None:
    connector = crm.connector()
    notes = len(crm.rows("ticket_notes"))
    with (
        pytest.raises(ConnectorError, match="deleting from customers"),
        connector.together(),
    ):
        assert connector.delete("ticket_notes", [(12, 1)]) == 1
        # Customer 2 still has ticket 12: its foreign key refuses the deletion.
        connector.delete("customers", [(2,)])
    # The note deleted first is back: nothing of the block was committed.
    assert len(crm.rows("ticket_notes")) == notes
    assert len(crm.rows("customers")) == 3


def test_changes_made_together_are_committed_when_the_block_ends(crm: Source) -> None:
    connector = crm.connector()
    with connector.together():
        assert connector.delete("ticket_notes", [(12, 1)]) == 1
        assert connector.delete("tickets", [(12,)]) == 1
        # Read inside the block, in its transaction: the ticket is already gone for it.
        assert connector.fetch("tickets", {"customer_id": [2]}) == []
        assert connector.delete("customers", [(2,)]) == 1
    assert 2 not in {r["id"] for r in crm.rows("customers")}
    assert 12 not in {r["id"] for r in crm.rows("tickets")}
