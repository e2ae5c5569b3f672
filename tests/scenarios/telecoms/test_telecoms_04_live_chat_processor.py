"""telecoms-04: live chat runs through a named processor, listed with its country and safeguard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from scenarios.product import Deployed, flags_missing, value_of

from dataward.examples import known_people
from dataward.examples.contents import GeneratedExample, build_example
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


def test_telecoms_04_chats_and_transcripts_are_in_the_processors_system(tmp_path: Path) -> None:
    telecoms = Deployed("telecoms", tmp_path, people=20)
    tom = known_people("telecoms")["tom"]  # chatted on the website 2 months ago
    (livechat,) = [s for s in telecoms.data_map()["systems"] if s["name"] == "livechat"]
    processor = livechat["processor"]
    # His access request returns the chat and its transcript from the processor's system...
    chats = telecoms.returned(tom.email, "livechat", "chats")
    messages = telecoms.returned(tom.email, "livechat", "messages")
    assert chats and messages
    chat_ids = {value_of(c, "id") for c in chats}
    assert {value_of(m, "chat_id") for m in messages} <= chat_ids
    assert {value_of(m, "sender") for m in messages} == {"visitor", "agent"}
    for message in messages:
        assert message["body"]["categories"] == ["user.content.chat_transcript"]
    held = [m for m in telecoms.rows("livechat", "messages") if m["chat_id"] in chat_ids]
    assert sorted(value_of(m, "body") for m in messages) == sorted(m["body"] for m in held)
    # ...and says the processor receives it.
    for collection in ("chats", "messages"):
        reasons = telecoms.held_for(tom.email, "livechat", collection)
        assert reasons and all(processor in r["recipients"] for r in reasons), collection
    # A map that loses the transcript is flagged by `dataward check`.
    output = telecoms.check_without("livechat", "messages", "body")
    assert flags_missing(output, "user.content.chat_transcript", "livechat"), output
