"""Template access to the campaign for pages of lower apps (the liaison's home page), so ``units`` never
imports ``verification``."""

from django import template

from verification.campaign.selectors.liaison import todo

register = template.Library()


@register.simple_tag(takes_context=True)
def campaign_todo(context):
    """What the signed-in liaison must do in the active campaigns (``selectors.liaison.todo``)."""
    request = context.get("request")
    return todo(request.user) if request is not None else []


@register.inclusion_tag("verification/campaign/_todo.html", takes_context=True)
def campaign_todo_panel(context):
    """The liaison's to-do panel: nothing is shown for users who are not a unit's liaison."""
    request = context.get("request")
    return {"rows": todo(request.user) if request is not None else []}


@register.inclusion_tag("verification/campaign/_review.html", takes_context=True)
def county_review_panel(context, campaign):
    """The campaign page's panel of the upper office's pre-review (issue 17): its state and the latest
    comments (a returned report's are what the county must fix), with a link to the review page."""
    from verification.campaign.selectors.cityreview import review_state

    return {"campaign": campaign, "state": review_state(campaign)}
