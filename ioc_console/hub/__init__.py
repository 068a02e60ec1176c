"""The hub: the central server every console syncs with and every citizen channel posts to.

``create_app(HubSettings)`` (:mod:`.app`) builds the ASGI application; :mod:`.server` runs it
(``ioc-hub serve``, or :class:`.server.BackgroundHub` on a thread for the embedded demo and tests).

Public, Open311 GeoReport v2 (:mod:`.open311`), JSON or XML by the suffix::

    GET  /open311/v2/discovery.{fmt}          GET  /open311/v2/services.{fmt}
    GET  /open311/v2/services/{code}.{fmt}    GET  /open311/v2/requests.{fmt}
    POST /open311/v2/requests.{fmt}           GET  /open311/v2/requests/{id}.{fmt}
    GET  /open311/v2/tokens/{token}.{fmt}     GET  /open311/v2/servicerequestupdates.{fmt}
    POST /open311/v2/requests/{id}/rating.{fmt}   POST /open311/v2/requests/{id}/info.{fmt}

Staff, JSON, ``Authorization: Bearer <token>`` and ``X-Console-Id`` (:mod:`.api`)::

    POST /api/v1/auth/login {username, password} -> {token, expires_at, user}
    GET  /api/v1/feed?after=CURSOR&limit=N -> {changes: [{seq, kind: upsert|remove, number, report?}],
                                               cursor, more}
    GET  /api/v1/reports/{number}             POST /api/v1/reports (hotline intake)
    POST /api/v1/reports/{number}/actions/{action} {idempotency_key, base_version, payload}
    POST /api/v1/reports/{number}/attachments?stage=…   GET /api/v1/attachments/{id}
    GET  /api/v1/stats    GET /api/v1/events (Server-Sent Events)    GET /api/v1/jurisdiction
    GET  /api/v1/audit    /api/v1/admin/users, /api/v1/admin/channels, PUT /api/v1/admin/pack

The report document is :mod:`.wire`'s format; the rules are the domain's
(:func:`ioc_console.domain.deadlines.apply_action`); the database is described in :mod:`.schema`.
"""
