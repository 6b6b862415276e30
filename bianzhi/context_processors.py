from bianzhi.roles import CAPABILITIES, has_capability, user_roles


def roles(request):
    user = request.user
    return {
        "user_roles": sorted(user_roles(user)),
        "can": {cap: has_capability(user, cap) for cap in CAPABILITIES},
    }
