"""Signing a test user in without the login form: the session a real sign-in would leave."""

from django.test import Client


def verified_login(user) -> str:
    """The session key of a signed-in session of `user`."""
    client = Client()
    client.force_login(user)
    return client.session.session_key
