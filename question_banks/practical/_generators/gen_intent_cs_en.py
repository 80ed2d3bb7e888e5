"""L5-intent-cs-en: 40 English customer-service utterances written for certify, 9 intents.

Run: .venv/bin/python question_banks/practical/_generators/gen_intent_cs_en.py
"""
from _common import shuffled, write_task

REF = "L5-intent-cs-en"

DATA = [
    # track_order (incl. missing / "delivered but not received")
    ("Where is my package? It was supposed to arrive yesterday.", "track_order"),
    ("The tracking number you sent hasn't shown any updates since Monday.", "track_order"),
    ("hey can u tell me when order 58213 will get here", "track_order"),
    ("It says delivered but there's nothing at my door.", "track_order"),
    ("Has my order shipped yet?", "track_order"),
    # cancel_order
    ("I ordered the wrong size by mistake, please cancel it before it ships.", "cancel_order"),
    ("Can I still cancel order #40917? I placed it 10 minutes ago.", "cancel_order"),
    ("I don't need the blender anymore, stop the order and give me my money back.", "cancel_order"),
    ("cancel cancel cancel!!! I clicked buy twice and now I have two identical orders", "cancel_order"),
    # return_refund (returns, exchanges, refund status, return policy)
    ("The jacket I received is too small. How do I send it back?", "return_refund"),
    ("I returned the headphones two weeks ago and still haven't got my refund.", "return_refund"),
    ("The mug arrived broken. I'd like my money back.", "return_refund"),
    ("Can I exchange these shoes for a bigger size?", "return_refund"),
    ("What's your return policy for opened electronics?", "return_refund"),
    # payment_issue (checkout, cards, double charges, promo codes)
    ("My card keeps getting declined at checkout even though it works everywhere else.", "payment_issue"),
    ("I was charged twice for the same order.", "payment_issue"),
    ("Why is there a pending charge of $89 on my statement? I never ordered anything.", "payment_issue"),
    ("Does the PayPal option not work anymore? It just spins forever.", "payment_issue"),
    ("I used a discount code but the total didn't change.", "payment_issue"),
    # change_delivery (address, date, delivery instructions of an existing order)
    ("I moved last week, can you send my order to my new address instead?", "change_delivery"),
    ("Is it possible to have it delivered on Saturday instead of Friday?", "change_delivery"),
    ("I typed the wrong apartment number on my order, it should be 12B not 21B.", "change_delivery"),
    ("Can the courier leave it with my neighbour at number 14?", "change_delivery"),
    # product_question
    ("Is the 13-inch version compatible with a USB-C charger?", "product_question"),
    ("Do you have this dress in navy in a size M?", "product_question"),
    ("How long does the battery last on the X200 vacuum?", "product_question"),
    ("Is this sofa cover machine washable?", "product_question"),
    ("When will the red one be back in stock?", "product_question"),
    # account_access
    ("I forgot my password and the reset email never arrives.", "account_access"),
    ("My account got locked after too many login attempts.", "account_access"),
    ("I'm not receiving the SMS verification code to sign in.", "account_access"),
    ("How do I change the email I use to log in?", "account_access"),
    # talk_to_human (wins over every other intent)
    ("Can I speak to a real person please?", "talk_to_human"),
    ("I've been going round in circles with this bot, get me an agent.", "talk_to_human"),
    ("Let me talk to someone about my refund, not a machine.", "talk_to_human"),
    ("Is there a phone number where I can call a human?", "talk_to_human"),
    # other
    ("Thanks, that's all I needed!", "other"),
    ("Hello?", "other"),
    ("What's the weather like in Manchester today?", "other"),
    ("Just wanted to say the courier was really friendly today, thanks!", "other"),
]


def main() -> None:
    assert len(DATA) == 40
    rows = shuffled(DATA, seed=20250706)
    records, gold = [], []
    for i, (text, label) in enumerate(rows, 1):
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": text})
        gold.append({"id": rid, "label": label})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
