"""MultiSafepay webhook notifications, without Qt: one core for the sandbox, the app and the CLI.

``signature`` and ``acknowledgement`` hold MultiSafepay's rules; ``notification``
builds the request the sandbox delivers and the endpoint check sends; ``url_rules``
checks a notification URL as it is typed; ``checker`` (with ``body_changes``)
explains a signature that does not verify; ``doctor`` checks an endpoint step by
step over ``network``, ``tls`` and ``exchange``, judged by ``judgement`` and
reported through ``report``; ``site_settings`` edits a website's own settings,
its notification URL among them.
"""
