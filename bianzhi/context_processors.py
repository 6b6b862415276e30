from bianzhi.roles import CAPABILITIES, can, user_roles


def roles(request):
    user = getattr(request, "user", None)  # none yet on a 400 raised before the auth middleware
    return {
        "user_roles": sorted(user_roles(user)),
        "can": {cap: can(user, cap) for cap in CAPABILITIES},
    }
