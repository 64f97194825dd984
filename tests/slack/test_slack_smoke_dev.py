from slack_payloads import mention


def test_mention_smoke(start_bot, fake_slack):
    bot = start_bot()
    event = mention("what did we commit to on EHCP quality in year two?")
    response = bot.event(event)
    assert response.status_code == 200
    updates = fake_slack.wait_for("chat.update")
    print(fake_slack.calls_to("chat.postMessage")[0].body)
    print(updates[0].body)
