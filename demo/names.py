# ruff: noqa: E501
"""Names and origins for synthetic participants: common given and family names of the groups the
seeds describe (refugees from Iraq, Somalia, Iran, Afghanistan, Eritrea and the Balkans, Kurds,
and people born in Sweden). Combinations are random; any likeness to a real person is chance."""

from dataclasses import dataclass

from participants.models import RegionOfBirth


@dataclass(frozen=True)
class Origin:
    key: str
    region_of_birth: str
    interpreter_language: str  # as the interpreter service names it, in Swedish
    men_names: str
    women_names: str
    family_names: str

    @property
    def men(self) -> list[str]:
        return self.men_names.split()

    @property
    def women(self) -> list[str]:
        return self.women_names.split()

    @property
    def family(self) -> list[str]:
        return self.family_names.split()


ORIGINS = {
    o.key: o
    for o in [
        Origin(
            "arabic",
            RegionOfBirth.OUTSIDE_EUROPE,
            "arabiska",
            "Ahmed Mohammed Ali Hassan Hussein Omar Karim Mustafa Yousef Khalid Samir Tariq Ibrahim Bilal Nabil Firas",
            "Fatima Zainab Noor Maryam Huda Layla Rana Samira Aya Hanan Amal Dalia Rasha Suha Yasmin Lina",
            "Al-Hassan Haddad Khalil Saleh Abbas Jaber Mansour Nasser Al-Obaidi Hamdan Ibrahim Karim Yassin Al-Tamimi Darwish Aziz",
        ),
        Origin(
            "somali",
            RegionOfBirth.OUTSIDE_EUROPE,
            "somaliska",
            "Abdi Mohamed Abdullahi Hassan Yusuf Ahmed Abdirahman Farah Ismail Mahad Liban Osman",
            "Hodan Amina Fadumo Sahra Hawa Ifrah Nasra Ubah Faadumo Khadra Sagal Maryan",
            "Warsame Abdi Farah Hirsi Jama Mohamud Nur Osman Egal Aden Ali Dirie",
        ),
        Origin(
            "persian",
            RegionOfBirth.OUTSIDE_EUROPE,
            "persiska",
            "Reza Ali Mehdi Amir Hamid Saeed Babak Dariush Kaveh Farhad",
            "Maryam Shirin Leila Parisa Azadeh Nasrin Mahsa Roya Sara Fereshteh",
            "Ahmadi Hosseini Rezaei Karimi Mohammadi Jafari Rahimi Sadeghi Moradi Tehrani",
        ),
        Origin(
            "dari",
            RegionOfBirth.OUTSIDE_EUROPE,
            "dari",
            "Ahmad Mohammad Abdul Naweed Farid Hamid Jawad Sayed Mustafa Zaher",
            "Fariba Zahra Mariam Nilofar Shabnam Freshta Soraya Mina Habiba Parwana",
            "Rahimi Noori Hakimi Sultani Haidari Amiri Wardak Stanekzai Popal Ahmadzai",
        ),
        Origin(
            "kurdish",
            RegionOfBirth.OUTSIDE_EUROPE,
            "kurdiska (sorani)",
            "Aram Dilshad Hiwa Karwan Rebwar Shwan Azad Sherzad Baran Rawand",
            "Nasrin Shilan Dilan Jwan Kurdistan Sozan Avin Hero Bahar Rozhin",
            "Ahmed Karim Mahmoud Rashid Barzani Kaka Faraj Qadir Hama Salih",
        ),
        Origin(
            "tigrinya",
            RegionOfBirth.OUTSIDE_EUROPE,
            "tigrinja",
            "Tesfay Yonas Mehari Biniam Dawit Haile Samuel Filmon Kibrom Robel",
            "Selam Helen Mebrat Semhar Luwam Saba Rahel Yordanos Tsega Feven",
            "Tesfamariam Ghebremedhin Haile Berhane Weldemichael Kidane Tekle Gebreyesus Asmerom Habte",
        ),
        Origin(
            "bosnian",
            RegionOfBirth.EUROPE_OTHER,
            "bosniska",
            "Emir Adnan Haris Mirza Senad Almir Nedim Jasmin Edin Damir",
            "Amra Lejla Selma Amela Emina Azra Mirela Sanela Jasmina Aida",
            "Hodžić Hadžić Begić Delić Kovačević Mehmedović Suljić Hasanović Omerović Alić",
        ),
        Origin(
            "polish",
            RegionOfBirth.EU_EEA,
            "polska",
            "Piotr Tomasz Marek Krzysztof Paweł Andrzej",
            "Agnieszka Katarzyna Magdalena Anna Joanna Ewa",
            "Nowak Kowalski Wiśniewski Wójcik Kamiński Lewandowski",
        ),
        Origin(
            "nordic",
            RegionOfBirth.NORDIC,
            "",
            "Mikkel Jesper Mika Jari Lars Ole",
            "Mette Hanne Riikka Tuula Kirsten Lone",
            "Jensen Nielsen Virtanen Korhonen Hansen Pedersen",
        ),
        Origin(
            "swedish",
            RegionOfBirth.SWEDEN,
            "",
            "Anders Johan Mikael Erik Daniel Fredrik Jonas Patrik Marcus Niklas Kristoffer Mattias",
            "Anna Maria Sara Emma Johanna Linda Jessica Malin Sofia Camilla Therese Elin",
            "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson Lindberg",
        ),
    ]
}
