"""telecoms-04: live chat runs through a named processor, listed with its country and safeguard."""

from __future__ import annotations

from datetime import date

import pytest

from dataward.examples.contents import GeneratedExample, build_example, snapshot
from dataward.notice.build import build_notice
from dataward.policy.schema import RecipientRole, TransferSafeguard
from dataward.ropa.recipients import list_recipients, list_transfers


@pytest.fixture(scope="module")
def telecoms(tmp_path_factory: pytest.TempPathFactory) -> GeneratedExample:
    return build_example("telecoms", tmp_path_factory.mktemp("telecoms"), people=40)


def test_telecoms_04_live_chat_is_hosted_by_the_named_processor(
    telecoms: GeneratedExample,
) -> None:
    policy = telecoms.policy
    (chat,) = [a for a in policy.activities if "user.content.chat_transcript" in a.categories]
    assert chat.recipients == ["ChatHarbour Ltd"]
    processor = policy.recipient("ChatHarbour Ltd")
    assert processor is not None
    assert processor.role is RecipientRole.PROCESSOR
    assert processor.category == "live-chat provider"
    assert (processor.country, processor.transfer_safeguard) == ("IE", TransferSafeguard.ADEQUACY)
    assert processor.contract_signed_on is not None and processor.vetted_on is not None
    system = telecoms.system("livechat")
    assert (system.processor, system.location) == ("ChatHarbour Ltd", "IE")
    assert chat.systems == ["livechat"]


def test_telecoms_04_the_notice_and_recipient_list_name_the_chat_processor(
    telecoms: GeneratedExample,
) -> None:
    notice = build_notice(telecoms.loaded)
    purpose = notice.purpose("Live chat")
    assert purpose is not None and purpose.recipients == ["ChatHarbour Ltd"]
    listed = {r.name: r for r in list_recipients(telecoms.policy, on=date(2026, 3, 2))}
    assert listed["ChatHarbour Ltd"].activities == ["Live chat"]
    (transfer,) = [t for t in list_transfers(telecoms.policy) if t.recipient == "ChatHarbour Ltd"]
    assert not transfer.restricted and transfer.problem is None


def test_telecoms_04_chats_and_transcripts_are_in_the_processors_system(
    telecoms: GeneratedExample,
) -> None:
    chats = snapshot(telecoms.system("livechat"), telecoms.environment)
    assert chats["chats"] and chats["messages"]
    chat_ids = {c["id"] for c in chats["chats"]}
    assert {m["chat_id"] for m in chats["messages"]} <= chat_ids
    assert {m["sender"] for m in chats["messages"]} == {"visitor", "agent"}
