"""PLACEHOLDER."""
from django.http import HttpResponse


def listing_browse(request, **kwargs):
    return HttpResponse('todo')


def listing_create(request, **kwargs):
    return HttpResponse('todo')


def my_listings(request, **kwargs):
    return HttpResponse('todo')


def listing_edit(request, **kwargs):
    return HttpResponse('todo')


def listing_status(request, **kwargs):
    return HttpResponse('todo')


def listing_detail(request, **kwargs):
    return HttpResponse('todo')
