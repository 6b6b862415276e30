from bianzhi.roles import CAPABILITIES, can, user_roles


def roles(request):
    user = request.user
    return {
        "user_roles": sorted(user_roles(user)),
        "can": {cap: can(user, cap) for cap in CAPABILITIES},
    }
