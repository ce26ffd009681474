"""How MultiSafepay would take an endpoint's answer to a notification, in words for the merchant."""

from __future__ import annotations

from msp_desk.webhooks.acknowledgement import ACK_WINDOW, Acknowledgement, classify
from msp_desk.webhooks.exchange import Answer
from msp_desk.webhooks.report import Finding, Outcome, duration


def judge_answer(answer: Answer, *, sent: str, order_id: str, slow_after: float) -> Finding:
    """Pass for 200 with OK in time; a warning for a lowercase ok; a failure for anything else.

    Redirects fail and are never followed: MultiSafepay resends instead, endlessly
    (MultiSafepay/magento2#68). ``slow_after`` is msp-desk's limit, since MultiSafepay
    does not publish how long it waits.
    """
    start = answer.text[:ACK_WINDOW]
    details = (
        sent,
        f"Answer: {answer.status} {answer.reason} in {duration(answer.seconds)}",
        f"Body starts: {shown(start)}",
    )
    status = f"{answer.status} {answer.reason}".strip()
    if 300 <= answer.status < 400:
        return Finding(
            Outcome.FAIL,
            f"Answered {status}, a redirect to {shown(answer.location or '(no Location)')}. "
            "MultiSafepay does not follow redirects and keeps resending; "
            "enter the final URL as the notification URL.",
            details,
        )
    ack = classify(answer.status, answer.text)
    if ack is Acknowledgement.REFUSED:
        if answer.status == 200:
            why = f"Answered 200 but without OK in the first {ACK_WINDOW} characters"
        elif answer.status == 204:
            why = "Answered 204 No Content, but MultiSafepay needs 200 with OK in the body"
        else:
            why = f"Answered {status}; MultiSafepay counts anything but 200 with OK as failed"
        unknown_order = (
            f"The test order {order_id} does not exist at MultiSafepay; a handler that looks it up may "
            "answer with an error for that reason alone."
        )
        return Finding(Outcome.FAIL, f"{why}, so MultiSafepay would resend it.", (*details, unknown_order))
    if answer.seconds > slow_after:
        return Finding(
            Outcome.FAIL,
            f"Answered after {answer.seconds:.1f} s; answers slower than {slow_after:g} s "
            "risk a timeout and duplicate notifications. Acknowledge first, then do the work.",
            details,
        )
    if ack is Acknowledgement.CASE_DIFFERS:
        return Finding(
            Outcome.WARN,
            f"Answered 200 with {shown(_ok_as_written(start))}, not “OK”. Some plugins (the Magento "
            "plugin answers “ok”) believe MultiSafepay ignores case, but MultiSafepay has not confirmed "
            "it; answer “OK” to be sure.",
            details,
        )
    word = "MULTISAFEPAY_OK" if "MULTISAFEPAY_OK" in start else "OK"
    return Finding(Outcome.PASS, f"Answered 200 with {word} in {duration(answer.seconds)}.", details)


def _ok_as_written(text: str) -> str:
    index = text.lower().find("ok")
    return text[index : index + 2]


def shown(text: str) -> str:
    """Quoted, with control characters blanked, so a hostile answer cannot garble a terminal."""
    printable = "".join(c if c.isprintable() else " " for c in text)
    return f"“{printable}”" if printable.strip() else "(empty)"
