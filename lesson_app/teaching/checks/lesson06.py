"""Checkers for notebook 06, HTTPS: a client that verifies (a bug to fix), what the app believes behind a proxy
(a prediction), and what an eavesdropper still sees."""

from __future__ import annotations

import ssl
from typing import Any

import httpx

from lesson_app.teaching.checks import Feedback, correct, hint, not_attempted, waiting

# Notebook 06 imports every checker of its lesson from here; exercise 2's lives in a module of its own.
from lesson_app.teaching.checks.forwarded_prediction import check_forwarded_prediction as check_forwarded_prediction
from lesson_app.teaching.checks.guards import a_type, all_placeholders, first_wrong, same_keys
from lesson_app.teaching.restart import make_needs

# After a kernel restart, `needs(...)` in an exercise cell names the section whose cell makes a missing name.
MADE_IN = {
    "server": "Start the real parts",
    "https_server": "Serve HTTPS",
    "ca": "A certificate authority of our own",
    "intermediate": "A chain: leaf, intermediate, root",
}
needs = make_needs(MADE_IN)


def _tls(response: httpx.Response) -> ssl.SSLObject | None:
    stream = response.extensions.get("network_stream")
    return stream.get_extra_info("ssl_object") if stream is not None else None


def _trusts_a_made_up_ca(context: Any) -> bool:
    """Say whether the context trusts some CA made with trustme (the lesson's kind), rather than none at all."""
    if not isinstance(context, ssl.SSLContext):
        return False
    return any("trustme" in str(cert.get("subject")) for cert in context.get_ca_certs())


def _unverified(context: Any) -> Feedback:
    """Why the certificate check failed: the wrong made-up CA is trusted, or no lesson CA at all."""
    if _trusts_a_made_up_ca(context):
        return hint(
            "CERTIFICATE_VERIFY_FAILED: the client trusts a CA, but not the one at the top of the server "
            "certificate's chain. A chain is checked upward, from the certificate to the CA that signed it, to a CA "
            "the client trusts; trusting a CA that this certificate's chain never reaches, such as `intermediate`, "
            "links nothing. Look at which CA issued `server_certificate`, the certificate `https_server` serves "
            '(section "A certificate authority of our own").'
        )
    return hint(
        'the client does not trust the lesson CA yet (CERTIFICATE_VERIFY_FAILED): the section "A client that '
        'trusts the CA" adds it to the usual checks (`cafile=certifi.where()`) with `configure_trust`.'
    )


def _send(client: httpx.Client, target: httpx.URL, context: Any) -> httpx.Response | Feedback:
    """Send the request with the learner's client; a hint when the certificate or the connection fails."""
    try:
        return client.get(target)
    except httpx.ConnectError as exc:
        if "CERTIFICATE_VERIFY_FAILED" in str(exc):
            return _unverified(context)
        return hint(f"could not connect ({exc}); is the HTTPS server from the cells above running?")
    except httpx.HTTPError as exc:
        return hint(f"the request failed: {type(exc).__name__}: {exc}.")
    except Exception as exc:  # noqa: BLE001 - a client built from odd parts may fail in any way; say how
        return hint(f"the client could not send the request: {type(exc).__name__}: {exc}.")


def _lax_context(context: ssl.SSLContext) -> Feedback | None:
    """A hint when the context that carried the request checks too little, or trusts the lesson CA alone."""
    if context.verify_mode == ssl.CERT_NONE:
        return hint(
            "the request worked, but this client checks nothing (`verify=False`): it would talk to an "
            "impostor just as happily. Pass `verify=` an SSL context that trusts the lesson CA instead."
        )
    if not context.check_hostname:
        return hint(
            "the request worked and the certificate's signature was checked, but not the host name "
            "(`check_hostname = False`): any certificate the lesson CA signed, for any name, would do. "
            "Leave the host-name check on, as `ssl.create_default_context(...)` sets it."
        )
    if context.cert_store_stats()["x509_ca"] <= 1:  # the lesson CA alone: the usual CAs were never loaded
        return hint(
            "the request worked, but this context trusts the lesson CA and nothing else, so every public site "
            "would now fail the check. Start from the usual CAs, `ssl.create_default_context(cafile=certifi.where())`, "
            "then add the lesson CA with `ca.configure_trust(context)`."
        )
    return None


def check_https_client(client: Any, url: str) -> Feedback:
    """Send GET /health to the HTTPS server at `url` with the learner's `client`; it must verify the certificate."""
    if not_attempted(client):
        return waiting("an `httpx.Client` whose `verify=` is an `ssl.SSLContext` that trusts the lesson CA")
    if isinstance(client, ssl.SSLContext):
        return hint("that is the SSL context; now make the client with it: `httpx.Client(verify=that_context)`.")
    if isinstance(client, httpx.Response):
        return hint("expected the client itself (`httpx.Client(...)`), not a response: the checker sends the request.")
    if not isinstance(client, httpx.Client):
        return hint(f"expected an `httpx.Client(...)`, got {a_type(client)}.")
    context = getattr(getattr(getattr(client, "_transport", None), "_pool", None), "_ssl_context", None)
    if context is not None and not isinstance(context, ssl.SSLContext):
        return hint(
            f"`verify=` got {a_type(context)} object; it wants an `ssl.SSLContext` (or True, False, "
            "or the path of a CA file). Make a context, let the CA add itself to it with "
            "`ca.configure_trust(context)`, and pass `verify=context`."
        )
    target = httpx.URL(url).join("/health")
    response = _send(client, target, context)
    if isinstance(response, Feedback):
        return response
    tls = _tls(response)
    if tls is None:
        return hint("that request did not use TLS; send it to the https:// URL of the HTTPS server.")
    if (lax := _lax_context(tls.context)) is not None:
        return lax
    if response.status_code != 200:
        return hint(f"the server answered {response.status_code}; GET /health should answer 200.")
    return correct(
        f"200 over {tls.version()}, and the client checked the certificate: signed by a CA it trusts, "
        f"for the name {response.url.host!r}."
    )


# What a wiretap on the path between client and server sees of an HTTPS request (exercise 3).
VISIBLE = {
    "the server's IP address and port": True,
    "the host name (localhost)": True,
    "the path (/admin/stats)": False,
    "the Authorization header (the token)": False,
    "the JSON body of the response": False,
}
_WHY_VISIBLE = {
    "the server's IP address and port": "every packet carries them in its IP and TCP headers, outside TLS: the "
    "network needs them to deliver the packet (the wiretap had to know where to connect).",
    "the host name (localhost)": "the client sends it in clear in the ClientHello (SNI), so that the server knows "
    "which certificate to present: the wiretap found b'localhost' in the bytes.",
    "the path (/admin/stats)": "the path is in the request line, which travels inside the encrypted connection: "
    "the wiretap did not find it over https.",
    "the Authorization header (the token)": "headers travel inside the encrypted connection with the request "
    "line: the wiretap did not find the token over https.",
    "the JSON body of the response": "the response (status line, headers and body) is encrypted like the request: "
    'the wiretap did not find "published" in it over https.',
}


def _judge_visible(item: str, visible: bool, given: Any) -> Feedback | None:
    """Refuse an answer that is not True or False, or says the wrong thing about `item`."""
    if not isinstance(given, bool):
        return hint(f"for {item!r}, write True (readable) or False (encrypted).")
    if given != visible:
        state = "readable" if visible else "encrypted"
        why = _WHY_VISIBLE[item]
        return hint(f"{item}: it is {state}. {why[0].upper()}{why[1:]}")
    return None


def check_visible(answers: Any) -> Feedback:
    """Check which parts of an HTTPS request the learner says an eavesdropper can read."""
    if all_placeholders(answers):
        return waiting("True (readable on the network) or False (encrypted) for each item")
    if not same_keys(answers, VISIBLE):
        return hint("keep the dictionary as it was given, with the same five items, and fill in True or False.")
    if (wrong := first_wrong(answers, VISIBLE, _judge_visible)) is not None:
        return wrong
    return correct(
        "HTTPS hides what you ask and what you get (path, headers, body), not whom you talk to "
        "(address, port, and the host name in SNI)."
    )
