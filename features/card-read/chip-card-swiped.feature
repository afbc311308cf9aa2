Feature: Reading the card
  The terminal reads the card and refuses what it must refuse before anything goes to the bank.

  @CR-03
  Scenario: a chip card is swiped and the terminal asks for the chip
    When a purchase of 25.00 is started
    And the cardholder swipes card "chip-visa"
    Then the terminal shows INSERT_CHIP
    And the bank received no authorization
    When the cardholder presses CANCEL
    Then the terminal shows CANCELLED
