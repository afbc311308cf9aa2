Feature: The issuer declines
  The terminal shows the issuer's answer, sends no reversal for a definitive decline, and never
  shows APPROVED.

  @ID-04
  Scenario: a card reported lost is declined with 41 and must be picked up
    Given the bank answers "41"
    When the cardholder pays 120.00 by inserting card "chip-visa" with the right PIN
    Then the terminal shows PICK_UP_CARD
    And the bank received no reversal
    And the terminal never showed APPROVED
