"""
Phase 3 analytics service (Cloud Run).

The Phase 2 -> 3 orchestrator publishes one trigger message per analytics
processor: {"processor": "<name>", "game_date": "YYYY-MM-DD"}. This service
looks the processor up by name and runs it; an unknown name is acknowledged
and logged, so Pub/Sub does not redeliver it.
"""

import base64
import json
import logging

from flask import Flask, request

from data_processors.analytics.player_game_summary.player_game_summary_processor import PlayerGameSummaryProcessor
from data_processors.analytics.team_defense_game_summary.team_defense_game_summary_processor import (
    TeamDefenseGameSummaryProcessor,
)
from data_processors.analytics.team_offense_game_summary.team_offense_game_summary_processor import (
    TeamOffenseGameSummaryProcessor,
)
from data_processors.analytics.upcoming_player_game_context.upcoming_player_game_context_processor import (
    UpcomingPlayerGameContextProcessor,
)

logger = logging.getLogger(__name__)
app = Flask(__name__)

ANALYTICS_PROCESSORS = {
    'player_game_summary': PlayerGameSummaryProcessor,
    'team_defense_game_summary': TeamDefenseGameSummaryProcessor,
    'team_offense_game_summary': TeamOffenseGameSummaryProcessor,
    'upcoming_player_game_context': UpcomingPlayerGameContextProcessor,
}


@app.route('/process', methods=['POST'])
def process():
    envelope = request.get_json()
    message = json.loads(base64.b64decode(envelope['message']['data']))
    processor_class = ANALYTICS_PROCESSORS.get(message['processor'])
    if processor_class is None:
        logger.warning("no processor registered for %s; message acknowledged", message['processor'])
        return ('', 204)
    rows = processor_class().run({'game_date': message['game_date']})
    return ({'rows': rows}, 200)
