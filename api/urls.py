from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from api.errors import NotFoundView
from api.viewsets.listings import ListingViewSet
from api.viewsets.organisations import OrganisationViewSet
from api.viewsets.saved_searches import SavedSearchViewSet
from api.viewsets.taxonomy import NeedAreaViewSet, NeedViewSet, TagViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("listings", ListingViewSet, basename="listing")
router.register("tags", TagViewSet, basename="tag")
router.register("needs", NeedViewSet, basename="need")
router.register("need-areas", NeedAreaViewSet, basename="need-area")
router.register("saved-searches", SavedSearchViewSet, basename="saved-search")

urlpatterns = [
    # Namespaced: the HTML pages already own names such as "listing-detail".
    path("api/v1/", include((router.urls, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ answers the JSON 404, not the HTML page.
    re_path(r"^api/", NotFoundView.as_view()),
]
