from django.contrib.auth import views as auth_views
from django.urls import path

from . import oidc, views, views_two_factor

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.language, name="language"),
    path("set-password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set_password"),
    path("two-factor/", views_two_factor.overview, name="two_factor"),
    path("two-factor/code/", views_two_factor.verify, name="two_factor_verify"),
    path("two-factor/setup/", views_two_factor.setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        views_two_factor.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("oidc/start/", oidc.start, name="oidc_start"),
    path("oidc/callback/", oidc.callback, name="oidc_callback"),
]
