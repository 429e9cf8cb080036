"""Notebook 05's explanations for exercise 1: why the lesson API answers each situation with the code it does,
and why the usual wrong predictions are not it.

Kept apart from the checkers: they are prose, edited for the lesson's wording, not for how the checking works.
"""

# Why the live API answered what it answered, in one clause each.
REASON: dict[str, str] = {
    'POST /videos with "views": "lots"': "FastAPI's validation compares every value with the types the function "
    "declares and refuses text where an integer goes before create_video runs",
    "GET /videos?min_views=10&max_views=2": "each value alone is a valid integer, so validation passes; list_videos "
    "sees that together they ask for something impossible and raises the error itself",
    "GET /admin/stats with no Authorization header": 'with no token the server does not know who you are: "who are '
    'you?", with a WWW-Authenticate header saying how to identify yourself',
    "GET /admin/stats with the learner's token": "the learner's token is valid, so the server knows who you are, "
    "and the route needs the admin role: known, and still not allowed",
    "POST /videos with a url another video already has": "every field is valid, but the url column is unique: the "
    "request clashes with a row that is already stored",
    "DELETE /videos/{id} of a video that exists": "the delete worked and this API sends nothing back after it",
}
# The usual wrong predictions, and why each is not what happens, in one sentence.
WHY_NOT: dict[str, dict[int, str]] = {
    'POST /videos with "views": "lots"': {
        400: "400 is the notes' code for invalid input, but in FastAPI such a value never reaches your code.",
        500: "the text never reaches the database, so nothing crashes.",
    },
    "GET /videos?min_views=10&max_views=2": {
        422: "422 is FastAPI's validation, and it only checks each value on its own.",
        200: "the function does not return an empty page: it refuses a request that makes no sense.",
    },
    "GET /admin/stats with no Authorization header": {
        403: "403 is for a server that knows who you are and says no; with no token it does not know yet.",
    },
    "GET /admin/stats with the learner's token": {
        401: "401 asks who you are, and the learner's token already says it.",
    },
    "POST /videos with a url another video already has": {
        400: "the data is fine on its own; it is the stored row it clashes with.",
        422: "every field passes validation; it is the stored row it clashes with.",
        500: "the database refusing a second row with the same url is not a bug: the API turns it into a 4xx.",
    },
    "DELETE /videos/{id} of a video that exists": {
        200: "200 would be right for a delete that sends something back; this one sends nothing.",
        404: "the video exists, so the delete succeeds; 404 would be for an id that is not stored.",
    },
}
