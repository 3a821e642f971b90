"""Built-in name lists for the demo council. Small and fixed so a seed always gives the same people; the
mix is meant to read like a diverse London borough, not to resemble anyone."""

GIVEN_FEMALE = (
    "Amelia", "Olivia", "Isla", "Ava", "Mia", "Grace", "Sofia", "Aisha", "Fatima", "Maryam", "Zara", "Hana",
    "Leah", "Chloe", "Ella", "Lily", "Ruby", "Esme", "Imani", "Amara", "Nia", "Zainab", "Priya", "Anaya",
    "Maja", "Zuzanna", "Elena", "Daria", "Yasmin", "Layla", "Evie", "Poppy", "Holly", "Keira", "Tia",
    "Jasmine", "Precious", "Abigail", "Rosa", "Mei",
)
GIVEN_MALE = (
    "Oliver", "Noah", "Leo", "Jack", "Harry", "George", "Charlie", "Mohammed", "Ahmed", "Yusuf", "Ibrahim",
    "Omar", "Ali", "Hamza", "Adam", "Reuben", "Kofi", "Kwame", "Tyrese", "Jayden", "Marcus", "Elijah", "Arjun",
    "Rohan", "Dev", "Jakub", "Mateusz", "Luca", "Mihai", "Andrei", "Finley", "Archie", "Theo", "Alfie",
    "Kai", "Samuel", "Daniel", "Tomas", "Kenji", "Dawit",
)
FAMILY = (
    "Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Wilson", "Evans", "Thomas", "Johnson",
    "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
    "Khan", "Ahmed", "Hussain", "Begum", "Ali", "Rahman", "Patel", "Shah", "Singh", "Kaur",
    "Okafor", "Mensah", "Adeyemi", "Owusu", "Boateng", "Campbell", "Francis", "Clarke", "Grant", "Richards",
    "Nowak", "Kowalski", "Popescu", "Ionescu", "Rossi", "Silva", "Murphy", "O'Brien", "Kelly", "Chen",
    "Tesfaye", "Haile", "Yilmaz", "Demir", "Hassan", "Mohamed", "Osman", "Abdi", "Karimi", "Ahmadi",
)
# Unaccompanied children mostly come from a handful of countries; names to match.
UASC_GIVEN = (
    "Ahmad", "Mohammad", "Hassan", "Ali", "Reza", "Samir", "Dawit", "Yonas", "Robel", "Filmon", "Abdullahi",
    "Mustafa", "Karwan", "Shwan", "Aryan", "Bilal", "Ermias", "Tesfay", "Omid", "Jamal",
)
UASC_FAMILY = (
    "Ahmadi", "Hussaini", "Rahimi", "Karimi", "Haile", "Tesfaye", "Gebremedhin", "Tekle", "Mohamed", "Osman",
    "Abdi", "Hassan", "Aziz", "Rasul", "Mahmoud", "Kareem", "Yousef", "Berhane", "Noori", "Sultani",
)
