"""One sticky comment per pull request: find the bot's earlier comment, then edit or create."""

from __future__ import annotations

from dataclasses import dataclass

from netpoldiff.github.answers import Comment
from netpoldiff.github.client import GitHubClient, PullRequest


@dataclass(frozen=True, slots=True)
class Posted:
    """What the bot did: ``created``, ``updated``, ``unchanged`` or ``skipped``."""

    action: str
    comment_id: int | None = None


def sticky_comment(
    client: GitHubClient,
    pull: PullRequest,
    body: str,
    *,
    marker: str,
    skip_if_new: bool = False,
) -> Posted:
    """Create the pull request's one netpoldiff comment, or edit the one posted before.

    ``skip_if_new``: post nothing when there is no earlier comment (used when nothing changed).
    The earlier comment is one that starts with the marker and was written by this token's
    account, or, when the API does not tell who that is, by a bot: a person's comment that
    quotes or imitates the report is never overwritten.
    """
    login = client.login()

    def ours(comment: Comment) -> bool:
        written_by_us = comment.author_login == login if login else comment.author_type == "Bot"
        return written_by_us and comment.body.startswith(marker)

    earlier = next((c for c in client.comments(pull) if ours(c)), None)
    if earlier is None:
        if skip_if_new:
            return Posted("skipped")
        return Posted("created", client.create(pull, body))
    if earlier.body == body:
        return Posted("unchanged", earlier.comment_id)
    client.update(pull, earlier.comment_id, body)
    return Posted("updated", earlier.comment_id)
