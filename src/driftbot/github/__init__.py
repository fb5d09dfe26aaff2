"""The GitHub side of driftbot: the Action's entry point and the bot's features.

One feature per module, each a `handle(event, gh, ctx)` taking the API client as an argument:
`pull_request` (check run + living comment), `commands` (`/driftbot` on PR comments), `autofix`
(scheduled fix PR). `client` is the only module that imports PyGithub; `pipeline` is the only one
that calls the rest of driftbot; `runner` picks a feature for the event and writes the results.
"""
