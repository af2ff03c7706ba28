import pytest
from django.core import mail
from django.urls import reverse

from exchange.models import User
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db


def test_login_is_limited_per_account_and_answers_429(client, settings):
    settings.LOGIN_RATE = "3/m"
    UserFactory(email="amira@council.example")
    data = {"username": "amira@council.example", "password": "wrong-guess"}

    codes = [client.post(reverse("login"), data).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]


def test_login_limit_blocks_even_the_right_password(client, settings):
    settings.LOGIN_RATE = "1/m"
    UserFactory(email="amira@council.example")
    client.post(reverse("login"), {"username": "amira@council.example", "password": "nope"})

    response = client.post(
        reverse("login"),
        {"username": "amira@council.example", "password": "correct-horse-battery"},
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "_auth_user_id" not in client.session


def test_password_reset_is_limited_and_sends_no_more_mail(client, settings):
    settings.PASSWORD_RESET_RATE = "2/h"
    UserFactory(email="amira@council.example")

    codes = [
        client.post(reverse("password_reset"), {"email": "amira@council.example"}).status_code
        for _ in range(3)
    ]

    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2


def test_signup_is_limited_per_ip(client, settings):
    settings.SIGNUP_RATE = "1/h"
    form = {
        "email": "a@x.example",
        "full_name": "A",
        "job_title": "",
        "password1": "tidy-lantern-harbour",
        "password2": "tidy-lantern-harbour",
    }
    client.post(reverse("signup"), form)
    client.logout()

    response = client.post(reverse("signup"), {**form, "email": "b@x.example"})

    assert response.status_code == 429
    assert list(User.objects.values_list("email", flat=True)) == ["a@x.example"]
