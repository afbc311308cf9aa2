Feature: A step nobody defined

  Scenario: a misspelt step
    When the cardholder swips card "stripe-unionpay"
