"""The legal grounds a disclosure may rest on: a fixed list, so the register can be counted."""

from __future__ import annotations

# Key → how the register and the console name it. The Schedule 2 exemptions of the Data
# Protection Act 2018 by name, and the ordinary grounds a small business meets most often.
GROUNDS: dict[str, str] = {
    "crime_and_taxation": "Crime and taxation (DPA 2018 Sch 2 para 2)",
    "immigration": "Immigration (DPA 2018 Sch 2 para 4)",
    "required_by_law": "Required by law or a court order (DPA 2018 Sch 2 para 5(1)-(2))",
    "legal_proceedings": "Legal proceedings, advice or rights (DPA 2018 Sch 2 para 5(3))",
    "protecting_the_public": "Functions designed to protect the public (DPA 2018 Sch 2 para 7)",
    "legal_professional_privilege": "Legal professional privilege (DPA 2018 Sch 2 para 19)",
    "controller_instruction": "The client, as controller, instructs us as its processor (Art 28)",
    "processor_under_contract": "A processor acting for us under contract (Art 28)",
    "consent": "The person's consent (Art 6(1)(a))",
}

REQUESTER_KINDS: dict[str, str] = {
    "police": "Police",
    "hmrc": "HMRC",
    "court": "A court or tribunal",
    "regulator": "A regulator",
    "client_company": "A client company",
    "supplier": "A supplier",
    "solicitor": "A solicitor",
    "other": "Other",
}
