"""What the conversation shows: Flex builders, cards, pictures, colours and fonts."""
