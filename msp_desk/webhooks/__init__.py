"""MultiSafepay webhook notifications: the ``Auth`` signature and the acknowledgement rule.

Plain Python, shared by the local sandbox (which sends notifications) and the
desktop app (which checks them).
"""
