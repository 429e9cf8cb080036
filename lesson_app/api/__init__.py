"""The lesson API: the FastAPI app the notebooks take apart.

`app.create_app` assembles one router per resource (`routers/`); `schemas` holds what goes in and out,
`crud` the queries, `security` the bearer token, `errors` and `responses` the status codes and their bodies,
`timing` the Server-Timing header and `maintenance` the admin-only table reset. The tables are in
`lesson_app.models` and the session in `lesson_app.config.database`, where the notes keep them.
"""
