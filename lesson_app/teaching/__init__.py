"""The teaching aids: what a notebook uses to show, check and guide, never needed by the API itself.

`checks` holds each lesson's exercise checkers; `project_check` judges the project a learner builds in
lessons 12-15, and `your_project` makes and runs it; `display`, `wiretap`, `alembic_lesson`, `sample_data`,
`environment`, `ipv6` and `bench` are the helpers individual lessons show; `diagrams` and `diagram_render` keep a
picture of each notebook diagram for the readers whose viewer does not draw Mermaid.
"""
