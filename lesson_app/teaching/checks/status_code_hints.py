"""Notebook 05's hints for a wrong status code: a nudge per situation, and why each usual wrong pick is not it.

Kept apart from the checkers: they are prose, edited for the lesson's wording, not for how the checking works.
"""

# A first nudge for each situation: what to think about, not which code to write.
NUDGE: dict[str, str] = {
    'POST /videos with "views": "lots"': "who notices the problem first: FastAPI, which checks every value against "
    "the types the function declares before calling it, or the function itself? This notebook showed the code "
    "FastAPI's validation answers with.",
    "GET /videos?min_views=10&max_views=2": "each value alone is a valid integer. Who can see that together they "
    "ask for something impossible: FastAPI's validation, or list_videos? And which code is the one a function "
    "raises itself?",
    "GET /admin/stats with no Authorization header": "with no token, does the server know who you are yet? One "
    'code of the table asks "who are you?", another says "I know who you are, and no".',
    "GET /admin/stats with the learner's token": "the learner's token is valid: the server knows exactly who you "
    'are. Which code means "known, and still not allowed"?',
    "POST /videos with a url another video already has": "every field is valid on its own; the problem is a row "
    "that is already stored. Which code of the table is about a clash with what the server already has?",
    "DELETE /videos/{id} of a video that exists": "the delete works, and this API sends nothing back after it. "
    "Which success code says exactly that?",
}
# For the usual wrong picks: why that code is not it, still without naming the one that is.
WHY: dict[str, dict[int, str]] = {
    'POST /videos with "views": "lots"': {
        400: "400 is what the notes' table says for invalid input, but in FastAPI a value of the wrong type never "
        "reaches your code: FastAPI's validation refuses it first, with a code of its own. Which one did this "
        "notebook show for text where an integer goes?",
        500: "the text never reaches the database, so nothing crashes: FastAPI's validation refuses it before the "
        "function runs. Which code does validation answer with?",
    },
    "GET /videos?min_views=10&max_views=2": {
        422: "each value alone is a valid integer, so FastAPI's validation passes and list_videos runs. It is the "
        "function that sees the two contradict each other. Which code does a function raise for a request that "
        "makes no sense?",
        404: "the route exists, and a filter that finds nothing would still succeed with an empty list. The problem "
        "here is the request itself: two values that contradict each other.",
        200: "the function does not return an empty page here: it refuses a minimum above the maximum, because "
        "the request makes no sense.",
    },
    "GET /admin/stats with no Authorization header": {
        403: "403 means the server knows who you are and says no. With no token it does not know who you are yet. "
        "Which code asks you to identify yourself (and comes with a WWW-Authenticate header)?",
    },
    "GET /admin/stats with the learner's token": {
        401: '401 asks "who are you?", and sending the token again would not help: the learner\'s token is '
        "valid, so the server knows who you are. You are just not allowed in.",
    },
    "POST /videos with a url another video already has": {
        400: "the data is fine on its own; it clashes with a row that is already stored. Is there a code for a "
        "clash with the server's current state?",
        422: "every field passes validation; the clash is with a row that is already stored. Is there a code for "
        "a clash with the server's current state?",
        500: "the database refusing a second row with the same url is not a bug: the API turns that refusal into "
        "a 4xx that tells the client its request clashes with what is stored.",
        200: "nothing was created or returned: the url is already stored.",
        201: "nothing was created: the url is already stored.",
    },
    "DELETE /videos/{id} of a video that exists": {
        200: "200 is not wrong for a DELETE in general (the notes' table allows it), but this API sends no body "
        'back after a delete. Which success code says "done, and nothing to send"?',
        404: "the video exists, so the delete succeeds; 404 would be for an id that is not stored.",
    },
}
