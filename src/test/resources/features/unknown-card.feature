Feature: A typo in a card id

  @CV-01
  Scenario: a scenario names a card the deck does not have
    When the cardholder pays 10.00 by swiping card "stripe-unionpey" with the right PIN
    Then the terminal shows APPROVED
