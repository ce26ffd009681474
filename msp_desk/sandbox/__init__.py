"""A local stand-in for MultiSafepay's JSON API, its 3D Secure simulator and its webhooks.

Plain Python (Starlette on uvicorn); never imports Qt. Start it in-process with
:class:`msp_desk.sandbox.server.SandboxServer` or headless with
``msp-desk sandbox`` (:func:`msp_desk.sandbox.cli.main`).
"""
