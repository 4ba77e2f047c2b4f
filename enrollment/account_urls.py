from django.urls import path

from enrollment import language

urlpatterns = [path("", language.set_language, name="set-language")]
