"""One router per resource; `create_app` only assembles them."""
