"""L4-pii-deid-en: 20 English customer-support messages with PII spans for de-identification.

All personal data is fake: phone numbers use reserved fictional ranges (555-01xx in North America, Ofcom's
drama ranges 020 7946 0xxx / 01632 960xxx / 07700 900xxx in the UK), e-mail domains are example.com/.org/.net,
the IBAN is the published specimen, the SSN 123-45-6789 is a well-known invalid number.

Run: .venv/bin/python question_banks/practical/_generators/gen_pii_deid_en.py
"""
from _common import spans, write_task

REF = "L4-pii-deid-en"
LABELS = {"NAME", "PHONE", "EMAIL", "ADDRESS", "ID_NUMBER"}

DATA = [
    ("Hi, this is Maria Gonzalez. My order hasn't arrived; you can reach me at 555-0142 or "
     "maria.gonzalez@example.com.",
     [("Maria Gonzalez", "NAME"), ("555-0142", "PHONE"), ("maria.gonzalez@example.com", "EMAIL")]),
    ("Please update the shipping address to 42 Elm Street, Apt 3B, Springfield, IL 62704.",
     [("42 Elm Street, Apt 3B, Springfield, IL 62704", "ADDRESS")]),
    ("My passport number is X1234567 and it expires next year.",
     [("X1234567", "ID_NUMBER")]),
    ("Order #A-99812 was delivered to the wrong house.", []),
    ("Dr. Emily Carter asked us to call her back on +44 20 7946 0958.",
     [("Emily Carter", "NAME"), ("+44 20 7946 0958", "PHONE")]),
    ("Send the invoice to accounts@brightlane.example.com and cc j.smith@example.org.",
     [("accounts@brightlane.example.com", "EMAIL"), ("j.smith@example.org", "EMAIL")]),
    ("The customer, Wei Zhang, gave his driver's licence number D123-4567-8901 for verification.",
     [("Wei Zhang", "NAME"), ("D123-4567-8901", "ID_NUMBER")]),
    ("I live in Leeds and usually order on weekends.", []),
    ("Call me at (212) 555-0187 ext. 12 after 5 pm and ask for Tom.",
     [("(212) 555-0187 ext. 12", "PHONE"), ("Tom", "NAME")]),
    ("Refund to the card ending 4821 please; the account holder is Priya Natarajan.",
     [("Priya Natarajan", "NAME")]),
    ("SSN 123-45-6789 was typed into the comments field by mistake.",
     [("123-45-6789", "ID_NUMBER")]),
    ("Ship to: Laura Bennett, 17 Harbour Road, Brighton BN2 5AA, United Kingdom, tel. 01632 960123.",
     [("Laura Bennett", "NAME"), ("17 Harbour Road, Brighton BN2 5AA, United Kingdom", "ADDRESS"),
      ("01632 960123", "PHONE")]),
    ("Our manager James O'Connor will email you from support@example.com within 24 hours.",
     [("James O'Connor", "NAME"), ("support@example.com", "EMAIL")]),
    ("Could you confirm the IBAN GB29 NWBK 6016 1331 9268 19 for the refund?",
     [("GB29 NWBK 6016 1331 9268 19", "ID_NUMBER")]),
    ("Hello, it's Ahmed again, my new number is 07700 900461.",
     [("Ahmed", "NAME"), ("07700 900461", "PHONE")]),
    ("The parcel for Sophie Martin at 8 Rue des Lilas, 75012 Paris was returned to the depot.",
     [("Sophie Martin", "NAME"), ("8 Rue des Lilas, 75012 Paris", "ADDRESS")]),
    ("My employee ID is EMP-20931 and my national ID card number is 110101199001011234.",
     [("110101199001011234", "ID_NUMBER")]),
    ("Please stop calling 555-0199, I never signed up for this. - K. Brown",
     [("555-0199", "PHONE"), ("K. Brown", "NAME")]),
    ("Login email changed from old.mail@example.net to new.mail@example.net by Daniel Kim.",
     [("old.mail@example.net", "EMAIL"), ("new.mail@example.net", "EMAIL"), ("Daniel Kim", "NAME")]),
    ("The driver said nobody was home at 95 Queen Street, so I'll collect it from the depot myself.",
     [("95 Queen Street", "ADDRESS")]),
]


def main() -> None:
    assert len(DATA) == 20
    records, gold = [], []
    for i, (text, ents) in enumerate(DATA, 1):
        assert all(lab in LABELS for _, lab in ents)
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": text})
        gold.append({"id": rid, "spans": spans(text, ents)})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
