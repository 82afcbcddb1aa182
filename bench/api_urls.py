"""The project's URLs plus ``/bench/ping/``: an API-key authenticated DRF view answering ``{}``."""

from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from retail.urls import urlpatterns as project_urlpatterns


class Ping(APIView):
    """The trivial authenticated JSON view: the API's default authentication and permissions."""

    def get(self, request):
        return Response({"ok": True})


urlpatterns = [path("bench/ping/", Ping.as_view()), *project_urlpatterns]
