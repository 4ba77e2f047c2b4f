from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrity import two_factor


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes (a lost phone); kept in the security log."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--by", required=True, help="Username of the administrator who asks for the reset.")
        parser.add_argument("--reason", required=True)

    def handle(self, *args, username: str, by: str, reason: str, **options) -> None:
        User = get_user_model()
        try:
            user, actor = User.objects.get(username=username), User.objects.get(username=by)
        except User.DoesNotExist as exc:
            raise CommandError(f"No such user: {exc}") from None
        if not (actor.is_superuser or actor.is_staff):
            raise CommandError(f"{by} is no administrator.")
        removed = two_factor.reset_two_factor(user=user, actor=actor, reason=reason)
        self.stdout.write(self.style.SUCCESS(f"Two-factor sign-in of {username} reset ({removed} device(s) removed)."))
