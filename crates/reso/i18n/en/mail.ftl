mail-greeting = Hello
