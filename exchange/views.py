"""PLACEHOLDER: helper replaces this file."""
from django.http import HttpResponse


def home(request, **kwargs):
    return HttpResponse('todo')


def signup(request, **kwargs):
    return HttpResponse('todo')


def profile(request, **kwargs):
    return HttpResponse('todo')


def dashboard(request, **kwargs):
    return HttpResponse('todo')


def organisation_list(request, **kwargs):
    return HttpResponse('todo')


def organisation_create(request, **kwargs):
    return HttpResponse('todo')


def organisation_detail(request, **kwargs):
    return HttpResponse('todo')


def organisation_edit(request, **kwargs):
    return HttpResponse('todo')


def organisation_members(request, **kwargs):
    return HttpResponse('todo')


def organisation_join(request, **kwargs):
    return HttpResponse('todo')


def organisation_leave(request, **kwargs):
    return HttpResponse('todo')


def invitation_accept(request, **kwargs):
    return HttpResponse('todo')


def notification_list(request, **kwargs):
    return HttpResponse('todo')


def notification_settings(request, **kwargs):
    return HttpResponse('todo')


def api_tokens(request, **kwargs):
    return HttpResponse('todo')
