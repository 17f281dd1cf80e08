"""Vocabularies for synthetic customers: names by origin, nicknames, companies, marketing.

Lists are in rough order of popularity: the generator weights earlier entries more. An
underscore stands for a space inside a name ("De_la_Cruz").
"""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    return tuple(w.replace("_", " ") for w in text.split())


# (first names, last names) per origin group; countries mix groups (places.Country.groups).
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "es": (
        words(
            "José María Antonio Carmen Juan Ana Manuel Isabel Francisco Laura Luis Lucía Javier "
            "Cristina Miguel Marta Carlos Elena David Paula Alejandro Sara Jesús Raquel Rafael "
            "Rosa Pedro Pilar Ángel Dolores Pablo Mercedes Sergio Beatriz Fernando Julia Jorge "
            "Teresa Alberto Nuria Álvaro Silvia Diego Irene Adrián Alba Raúl Andrea Enrique Rocío "
            "Ramón Montserrat Vicente Mónica Andrés Alicia Joaquín Sofía Santiago Valeria Mateo "
            "Camila Hugo Ximena Martín Fernanda Lucas Regina Marcos Daniela Iván Guadalupe Rubén "
            "Concepción Óscar Inmaculada Ignacio Esperanza Eduardo Josefa Roberto Juana Gabriel "
            "Verónica Ricardo Lorena Arturo Adriana Héctor Claudia Emilio Natalia Salvador "
            "Yolanda Gonzalo Leticia Agustín Susana Lorenzo Gloria Tomás Marisol Felipe Estela"
        ),
        words(
            "García Rodríguez González Fernández López Martínez Sánchez Pérez Gómez Martín "
            "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Alonso Gutiérrez Navarro "
            "Torres Domínguez Vázquez Ramos Gil Ramírez Serrano Blanco Molina Morales Suárez "
            "Ortega Delgado Castro Ortiz Rubio Marín Sanz Núñez Iglesias Medina Garrido Cortés "
            "Castillo Santos Lozano Guerrero Cano Prieto Méndez Cruz Flores Herrera Peña León "
            "Márquez Cabrera Gallego Calvo Vidal Campos Reyes Vega Fuentes Carrasco Aguilar "
            "Caballero Nieto Pascual Herrero Montero Lorenzo Hidalgo Ibáñez Ferrer Durán Benítez "
            "Mora Vargas Arias Carmona Crespo Román Pastor Soto Velasco Soler Parra Esteban Bravo "
            "Gallardo Rojas Mendoza Chávez Rivera Juárez Guzmán Velázquez Luna Estrada Bautista "
            "Alvarado Espinoza Lara Ávila Ríos Cervantes Silva Sandoval Carrillo Mejía Solís "
            "Rosas Valdez Ibarra Camacho Maldonado Rosales Acosta Miranda Trejo Valencia Nava "
            "Pacheco Robles Rangel Huerta Meza Aguirre Zúñiga Orozco Montes Villanueva De_la_Cruz "
            "Salazar Contreras Espinosa Ochoa Cisneros Beltrán Ponce Cárdenas Olvera Quintero"
        ),
    ),
    "en": (
        words(
            "James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David "
            "Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Lisa "
            "Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven "
            "Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian "
            "Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon "
            "Jeffrey Cynthia Ryan Kathleen Jacob Amy Gary Angela Nicholas Shirley Eric Anna "
            "Jonathan Brenda Stephen Pamela Larry Emma Justin Nicole Scott Helen Brandon Samantha "
            "Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Frank Carolyn "
            "Patrick Janet Raymond Catherine Jack Heather Dennis Diane Jerry Ruth Tyler Julie "
            "Aaron Olivia Adam Joyce Nathan Virginia Henry Victoria Douglas Kelly Zachary Lauren "
            "Peter Christina Kyle Joan Ethan Evelyn Walter Judith Noah Megan Jeremy Cheryl "
            "Christian Hannah Keith Jacqueline Roger Martha Terry Gloria Gerald Teresa Harold "
            "Madison Sean Frances Austin Kathryn Carl Janice Arthur Jean Lawrence Abigail Dylan "
            "Alice Jesse Judy Jordan Sophia Bryan Grace Billy Denise Bruce Amber Gabriel Marilyn "
            "Logan Danielle Liam Chloe Oliver Zoë Harry Amelia Oscar Isla Charlie Poppy Freddie "
            "Mia Alfie Ava Archie Isabella Leo Ella Riley Ruby Mason Evie Owen Freya Connor "
            "Harper Declan Siobhan Niamh Aoife Ciaran Seamus Bridget Callum Eilidh Hamish Fiona "
            "Ewan Kirsty Rhys Cerys Dafydd Bethan Gareth Megan Nigel Gemma Trevor Kerry Wayne "
            "Tracey Darren Leanne Craig Hayley Ian Joanne Graham Claire Neil Alison Stuart "
            "Lindsay Malcolm Heidi Clive Harriet Rupert Imogen Giles Florence Hugo Matilda Jasper "
            "Beatrix Felix Penelope Miles Rosalind Dominic Eleanor Theodore Josephine Frederick"
        ),
        words(
            "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Thomas Taylor Moore "
            "Jackson Martin Lee Thompson White Harris Clark Lewis Robinson Walker Young Allen "
            "King Wright Scott Hill Green Adams Nelson Baker Hall Campbell Mitchell Carter "
            "Roberts Phillips Evans Turner Parker Edwards Collins Stewart Morris Murphy Cook "
            "Rogers Morgan Cooper Peterson Bailey Reed Kelly Howard Cox Ward Richardson Watson "
            "Brooks Wood James Bennett Gray Hughes Price Sanders Myers Long Ross Foster Powell "
            "Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Fisher Simmons "
            "Jordan Patterson Hamilton Graham Reynolds Griffin Wallace West Cole Hayes Bryant "
            "Gibson Ellis Stevens Murray Ford Marshall Owens Harrison McDonald Woods Washington "
            "Kennedy Wells Freeman Webb Tucker Burns Crawford Olson Simpson Porter Hunter Gordon "
            "Shaw Snyder Mason Dixon Hunt Hicks Holmes Palmer Black Robertson Boyd Rose Stone "
            "Fox Warren Mills Rice Daniels Ferguson Nichols Stephens Weaver Ryan Gardner Payne "
            "Grant Dunn Spencer Hawkins Arnold Pierce Hansen Hart Bradley Knight Elliott "
            "Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Berry Perkins Johnston "
            "Matthews Richards Willis Carpenter Lawrence Davies Clarke O'Brien O'Connor O'Neill "
            "McArthy McCarthy Byrne Doyle Fitzgerald Gallagher Kavanagh McLaughlin MacLeod Fraser "
            "Cameron Sinclair Lloyd Griffiths Pritchard Llewellyn Vaughan Bowen Cartwright "
            "Fletcher Thornton Whitaker Ashworth Barker Chapman Dawson Fowler Gilbert Hobbs "
            "Holland Kerr Lamb Marsh Nash Osborne Pearce Quinn Rowe Sharp Slater Tanner Underwood "
            "Vickers Wade Walsh Wilkinson Yates Bishop Chambers Fleming Hardy Lambert Sutton "
            "Abbott Atkinson Bolton Burke Carey Dalton Farrell Gough Hewitt Keane Lynch MacKenzie"
        ),
    ),
    "fr": (
        words(
            "Jean Marie Pierre Nathalie Michel Isabelle André Sylvie Philippe Catherine Alain "
            "Françoise Nicolas Valérie Christophe Sophie Frédéric Sandrine Laurent Céline "
            "Stéphane Stéphanie Sébastien Aurélie Julien Camille Thierry Léa Olivier Manon Éric "
            "Chloé Patrick Inès Pascal Jade Guillaume Louise Antoine Élodie Maxime Émilie Lucas "
            "Margaux Louis Océane Raphaël Pauline Jules Mathilde Léo Anaïs Théo Amélie Clément "
            "Hélène Baptiste Brigitte Romain Monique Quentin Chantal Mathieu Agnès François "
            "Geneviève Jérôme Véronique Benoît Mélanie Cédric Noémie Yannick Clémence Arnaud "
            "Juliette Gaël Margot Loïc Capucine Jean-Pierre Marie-Claire Jean-Luc Anne-Sophie "
            "Xavier Solène Thibault Ophélie Damien Maëlle Grégoire Héloïse Aurélien Gwenaëlle"
        ),
        words(
            "Martin Bernard Dubois Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel "
            "Garcia David Bertrand Roux Vincent Fournier Morel Girard André Lefèvre Mercier "
            "Dupont Lambert Bonnet François Fontaine Rousseau Blanc Guérin Muller Henry Roussel "
            "Nicolas Perrin Morin Mathieu Clément Gauthier Dumont Lopez Fontaine Chevalier Robin "
            "Masson Sanchez Gérard Nguyen Boyer Denis Lemaire Duval Joly Gautier Roger Roche Roy "
            "Noël Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie Barbier Brun "
            "Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron "
            "Aubert Giraud Leclerc Vidal Bourgeois Renaud Lemoine Picard Gaillard Philippe "
            "Leclercq Lacroix Fabre Dupuis Olivier Rodriguez Da_Silva Hubert Louis Charles Guillot "
            "Rivière Le_Gall Guillaume Adam Rey Moulin Gonzalez Berger Lecomte Menard Fleury "
            "Deschamps Carpentier Julien Benoît Paris Maillard Marchal Aubry Vasseur Le_Roux "
            "Renault Jacquet Collet Prévost Poirier Charpentier Royer Huet Baron Dupuy Pons "
            "Paul Laine Carré Breton Rémy Schneider Perrot Guyot Barre Marty Cousin Besnard"
        ),
    ),
    "de": (
        words(
            "Thomas Sabine Michael Petra Andreas Monika Stefan Ursula Peter Claudia Markus "
            "Susanne Christian Andrea Wolfgang Stefanie Klaus Nicole Jürgen Birgit Frank Heike "
            "Uwe Anja Matthias Katrin Alexander Julia Tobias Anna Florian Lena Sebastian Lea "
            "Lukas Marie Leon Laura Finn Hannah Jonas Lisa Felix Sophie Maximilian Leonie Elias "
            "Johanna Paul Clara Moritz Charlotte Niklas Greta Tim Ida Jan Katharina Philipp "
            "Renate Daniel Gabriele Dieter Brigitte Günter Karin Horst Ute Helmut Jutta Manfred "
            "Gisela Johannes Elke Friedrich Bärbel Heinrich Dörte Karl Ingrid Hans Waltraud "
            "Werner Hildegard Jörg Annika Björn Jana Sören Maren Dirk Silke Holger Antje Torsten "
            "Kerstin Volker Tanja Ralf Nadine Sven Sandra Kai Miriam Lars Svenja Henning Wiebke"
        ),
        words(
            "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer "
            "Koch Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger "
            "Hofmann Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Schmid Schulze "
            "Maier Köhler Herrmann König Walter Mayer Huber Kaiser Fuchs Peters Lang Scholz "
            "Möller Weiß Jung Hahn Schubert Vogel Friedrich Keller Günther Frank Berger Winkler "
            "Roth Beck Lorenz Baumann Franke Albrecht Schuster Simon Ludwig Böhm Winter Kraus "
            "Martin Schumacher Krämer Vogt Stein Jäger Otto Sommer Groß Seidel Heinrich Brandt "
            "Haas Schreiber Graf Schulte Dietrich Ziegler Kuhn Pohl Engel Horn Busch Bergmann "
            "Voigt Sauer Arnold Wolff Pfeiffer Thiele Ernst Kühne Vetter Ebert Witt Lindner "
            "Hesse Nowak Hübner Seifert Kirchner Kolb Bach Fiedler Petersen Wendt Marx Ullrich"
        ),
    ),
    "it": (
        words(
            "Giuseppe Maria Giovanni Anna Antonio Giuseppina Mario Rosa Luigi Angela Francesco "
            "Giovanna Angelo Teresa Vincenzo Lucia Pietro Carmela Salvatore Caterina Carlo "
            "Francesca Franco Antonietta Domenico Carla Bruno Elena Paolo Concetta Michele Rita "
            "Giorgio Margherita Aldo Franca Sergio Paola Luciano Giulia Stefano Sofia Marco "
            "Aurora Alessandro Ginevra Matteo Beatrice Lorenzo Martina Leonardo Chiara Gabriele "
            "Valentina Riccardo Federica Tommaso Elisa Edoardo Silvia Federico Alessia Davide "
            "Ilaria Simone Serena Emanuele Roberta Niccolò Simona Fabio Gabriella Massimo "
            "Elisabetta Claudio Giorgia Enrico Greta Gianluca Arianna Cesare Donatella Ettore "
            "Ludovica Umberto Benedetta Raffaele Rebecca Pasquale Noemi Gennaro Annalisa"
        ),
        words(
            "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo "
            "Conti De_Luca Mancini Costa Giordano Rizzo Lombardi Moretti Barbieri Fontana "
            "Santoro Mariani Rinaldi Caruso Ferrara Galli Martini Leone Longo Gentile Martinelli "
            "Vitale Lombardo Serra Coppola De_Santis D'Angelo Marchetti Parisi Villa Conte "
            "Ferraro Ferri Fabbri Bianco Marini Grasso Valentini Messina Sala De_Angelis Gatti "
            "Pellegrini Palumbo Sanna Farina Rizzi Monti Cattaneo Morelli Amato Silvestri Mazza "
            "Testa Grassi Pellegrino Carbone Giuliani Benedetti Barone Rossetti Caputo Montanari "
            "Guerra Palmieri Bernardi Martino Fiore De_Rosa Ferretti Bellini Basile Riva Donati "
            "Piras Vitali Battaglia Sartori Neri Costantini Milani Pagano Ruggiero Sorrentino "
            "D'Amico Orlando Negri Mazzoni Fumagalli Castelli Bertolini Lupo Zanetti Esposti"
        ),
    ),
    "nl": (
        words(
            "Jan Maria Johannes Anna Peter Johanna Hendrik Cornelia Cornelis Elisabeth Willem "
            "Wilhelmina Daan Emma Sem Julia Levi Mila Luuk Tess Bram Sophie Thijs Sara Lars Nora "
            "Ruben Fenna Sven Lotte Stijn Eva Niels Lisa Jeroen Sanne Bas Fleur Koen Iris Wouter "
            "Anouk Maarten Femke Pieter Marieke Gerrit Lieke Dirk Esther Joost Ingrid Sander "
            "Annemarie Erik Marloes Martijn Mirjam Rutger Hanneke Henk Saskia Kees Ilse Wim "
            "Wilma Sjoerd Els Jesse Joke Milan Anke Finn Noor Tim Roos Thomas Evi Jasper Jasmijn "
            "Teun Floor Gijs Isa Jelle Merel Hidde Maud Sietse Femmie Arjen Liesbeth Bart Ymke"
        ),
        words(
            "de_Jong Jansen de_Vries van_den_Berg van_Dijk Bakker Janssen Visser Smit Meijer "
            "de_Boer Mulder de_Groot Bos Vos Hendriks van_Leeuwen Dekker Brouwer de_Wit "
            "Dijkstra Smits de_Graaf van_der_Meer van_der_Linden Kok Jacobs de_Haan Vermeulen "
            "van_den_Heuvel van_der_Veen van_den_Broek de_Bruijn van_der_Heijden Schouten "
            "van_Beek Willems van_Vliet van_de_Ven Hoekstra Maas Verhoeven Koster van_Dam "
            "van_der_Wal Prins Blom Huisman Peeters de_Jonge Kuipers van_Veen Post Kuiper "
            "Veenstra Kramer van_den_Brink Scholten van_Wijk Postma Martens Vink de_Ruiter "
            "Timmermans Groen Gerritsen Jonker van_Loon Boer van_der_Velde Willemsen Smeets "
            "de_Lange de_Vos Bosch van_Dongen Schipper de_Koning van_der_Laan Koning Driessen "
            "van_Doorn Hermans Evers van_den_Bosch van_der_Meulen Hofman Bosman Wolters Sijbrandi"
        ),
    ),
    # Smaller origins, drawn together as "multi" (places.Country.groups) in every country.
    "ar": (
        words(
            "Mohammed Fatima Ahmed Aisha Ali Layla Omar Yasmin Yusuf Mariam Hassan Noor Ibrahim "
            "Khalid Salma Karim Leila Tariq Rania Samir Hana Walid Amira Bilal Zainab"
        ),
        words(
            "Khan Ahmed Ali Hussain Rahman Haddad Nasser Aziz Saleh Mansour Farouk Hamdan "
            "Khalil Darwish Najjar Qureshi Siddiqui Malik Sheikh Abbas"
        ),
    ),
    "sa": (
        words(
            "Priya Rahul Ananya Arjun Pooja Deepak Sunita Sanjay Kavya Anil Neha Ravi Aarav "
            "Divya Vikram Meera Rohan Anjali Karan Shreya Amit Lakshmi Suresh Nisha Harpreet"
        ),
        words(
            "Patel Singh Kumar Sharma Gupta Das Reddy Iyer Nair Shah Mehta Joshi Desai Rao "
            "Chopra Kapoor Malhotra Bose Banerjee Pillai Verma Agarwal Chauhan Menon Gill"
        ),
    ),
    "cn": (
        words(
            "Wei Jing Min Xin Hui Yan Ming Lei Jun Fang Li_Na Xiaoming Yu Hong Tao Ying Jie "
            "Lan Bo Mei Qiang Ling Hao Yun"
        ),
        words(
            "Chen Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Xu Sun Lin Ma Zhu Hu Guo He Luo "
            "Gao Zheng Liang Song Tang Xie Han Feng Deng Cao Wong Leung Chan Cheung Ho"
        ),
    ),
    "jp": (
        words(
            "Hiroshi Yuki Haruto Sakura Kenji Aiko Takeshi Yui Sota Hana Ren Mei Daiki Akari "
            "Kaito Rin Shota Emi Ryo Naomi"
        ),
        words(
            "Tanaka Suzuki Sato Takahashi Watanabe Yamamoto Nakamura Kobayashi Ito Kato "
            "Yoshida Yamada Sasaki Matsumoto Inoue Kimura Hayashi Shimizu Mori Ikeda"
        ),
    ),
    "kr": (
        words(
            "Ji-woo Seo-yeon Min-jun Ji-ho Ha-eun Do-yun Soo-ah Jae-won Eun-ji Hyun-woo "
            "Ye-jin Sung-min Da-eun Joon-ho Yu-na"
        ),
        words("Kim Park Choi Jung Kang Cho Yoon Jang Lim Han Oh Seo Shin Kwon Hwang Ahn Song"),
    ),
    "vn": (
        words("Minh Linh Thanh Anh Huong Tuan Lan Duc Mai Quang Thu Hieu Trang Long Ngoc Phuong"),
        words("Nguyen Tran Le Pham Hoang Vu Dang Bui Do Ho Ngo Duong Ly Truong Phan Vo"),
    ),
    "pl": (
        words(
            "Piotr Agnieszka Katarzyna Tomasz Krzysztof Magdalena Aleksandra Mateusz Anna "
            "Paweł Małgorzata Michał Joanna Marcin Ewa Łukasz Monika Jakub Barbara Kamil"
        ),
        words(
            "Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński "
            "Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk"
        ),
    ),
    "ru": (
        words(
            "Olga Ivan Dmitri Natalia Sergei Anastasia Alexei Ekaterina Andrei Tatiana "
            "Mikhail Svetlana Nikolai Irina Vladimir Yulia Pavel Elena Oleksandr Oksana"
        ),
        words(
            "Ivanov Petrov Smirnova Kuznetsov Popov Sokolov Lebedev Kozlov Novikova Morozov "
            "Volkov Pavlova Semenov Shevchenko Bondarenko Kovalenko Melnyk Tkachenko"
        ),
    ),
    "tr": (
        words(
            "Mehmet Ayşe Emre Zeynep Mustafa Elif Ahmet Fatma Burak Merve Can Ebru Murat "
            "Selin Hakan Derya Kemal Esra Yusuf_Emre Deniz"
        ),
        words(
            "Yılmaz Kaya Demir Şahin Çelik Öztürk Yıldız Aydın Arslan Doğan Kılıç Aslan "
            "Çetin Koç Kurt Özdemir Polat Erdoğan"
        ),
    ),
    "af": (
        words(
            "Kwame Ama Kofi Chinedu Ngozi Oluwaseun Tunde Amara Abena Emeka Chiamaka Kojo "
            "Adaeze Femi Zanele Thabo Wanjiru Kip Nia Sipho"
        ),
        words(
            "Mensah Okafor Adeyemi Okonkwo Mwangi Boateng Owusu Eze Nwosu Adebayo Ndlovu "
            "Dlamini Kamau Otieno Asante Diallo Traoré Keita Mbeki Achebe"
        ),
    ),
    "gr": (
        words(
            "Nikos Eleni Giorgos Dimitra Kostas Maria Yannis Sofia Christos Katerina Panagiotis "
            "Vasiliki Andreas Georgia Stavros Ioanna"
        ),
        words(
            "Papadopoulos Nikolaidis Georgiou Papageorgiou Oikonomou Vlachos Antoniou "
            "Karagiannis Christodoulou Dimitriou Pappas Makris Konstantinidis Alexiou"
        ),
    ),
    "nordic": (
        words(
            "Astrid Sigrid Lars-Erik Erik Ingrid Nils Freja Magnus Sofie Anders Linnea Henrik "
            "Karin Mikkel Emil Elin Oskar Maja Johan Hedda"
        ),
        words(
            "Andersson Johansson Larsson Nilsson Jensen Nielsen Hansen Pedersen Karlsson "
            "Eriksson Olsen Berg Lindqvist Lindberg Halvorsen Sørensen Dahl Holm"
        ),
    ),
    "pt": (
        words(
            "João Beatriz Thiago Larissa Rafaela Lucas Gabriela Pedro Mariana Gustavo "
            "Fernanda Rodrigo Juliana Felipe Camila Bruno Letícia Matheus Ana_Clara Caio"
        ),
        words(
            "Silva Santos Oliveira Souza Pereira Carvalho Ferreira Almeida Costa Ribeiro "
            "Rodrigues Lima Gomes Martins Araújo Barbosa Cardoso Rocha Teixeira Moura"
        ),
    ),
}

MULTI = ("ar", "sa", "cn", "jp", "kr", "vn", "pl", "ru", "tr", "af", "gr", "nordic", "pt")

# Nicknames and short forms people give instead of their full first name.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "John": ("Jon", "Johnny", "Jack"), "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Bobby"), "Richard": ("Rick", "Rich", "Dick"),
    "James": ("Jim", "Jimmy", "Jamie"), "Michael": ("Mike", "Mick", "Micha"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"), "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Cat", "Kate"), "Margaret": ("Maggie", "Peggy", "Meg"),
    "Thomas": ("Tom", "Tommy"), "Christopher": ("Chris",), "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",), "Anthony": ("Tony",), "Joseph": ("Joe", "Joey"),
    "Charles": ("Charlie", "Chuck"), "Edward": ("Ed", "Eddie", "Ted"),
    "Alexander": ("Alex", "Sasha"), "Samuel": ("Sam",), "Samantha": ("Sam", "Sammy"),
    "Benjamin": ("Ben", "Benny"), "Nicholas": ("Nick",), "Jennifer": ("Jen", "Jenny"),
    "Jessica": ("Jess",), "Rebecca": ("Becky", "Becca"), "Patricia": ("Pat", "Trish"),
    "Susan": ("Sue",), "Deborah": ("Debbie", "Deb"), "Stephen": ("Steve",),
    "Steven": ("Steve",), "Andrew": ("Andy", "Drew"), "Timothy": ("Tim",),
    "Gregory": ("Greg",), "Jonathan": ("Jon", "Jonny"), "Zachary": ("Zach",),
    "Nathan": ("Nate",), "Peter": ("Pete",), "Raymond": ("Ray",), "Lawrence": ("Larry",),
    "Victoria": ("Vicky", "Tori"), "Abigail": ("Abby",), "Pamela": ("Pam",),
    "Kimberly": ("Kim",), "Jacqueline": ("Jackie",), "Frederick": ("Fred", "Freddie"),
    "Christine": ("Chris", "Chrissy"), "Theodore": ("Teddy", "Theo"), "Oliver": ("Ollie",),
    "Harold": ("Harry",), "Henry": ("Harry", "Hank"), "Judith": ("Judy",),
    "Amanda": ("Mandy",), "Melissa": ("Mel",), "Cynthia": ("Cindy",), "Ronald": ("Ron",),
    "Donald": ("Don",), "Kenneth": ("Ken", "Kenny"), "Douglas": ("Doug",),
    "Walter": ("Walt",), "Jeffrey": ("Jeff",), "Joshua": ("Josh",), "Gerald": ("Gerry",),
    "Josephine": ("Jo", "Josie"), "Eleanor": ("Ellie", "Nell"), "Dominic": ("Dom",),
    "José": ("Pepe",), "Francisco": ("Paco", "Pancho"), "Alejandro": ("Alex", "Ale"),
    "Guadalupe": ("Lupe",), "Manuel": ("Manolo",), "Jesús": ("Chuy",),
    "Ignacio": ("Nacho",), "Dolores": ("Lola",), "Concepción": ("Concha",),
    "Roberto": ("Beto",), "Alberto": ("Beto",), "Eduardo": ("Lalo",), "Rafael": ("Rafa",),
    "Fernando": ("Nando",), "Javier": ("Javi",), "Cristina": ("Cris",), "Isabel": ("Isa",),
    "Giuseppe": ("Beppe", "Peppe"), "Francesco": ("Franco", "Cesco"), "Giovanni": ("Gianni",),
    "Alessandro": ("Sandro", "Ale"), "Salvatore": ("Totò",), "Domenico": ("Mimmo",),
    "Vincenzo": ("Enzo",), "Federica": ("Fede",), "Elisabetta": ("Betta",),
    "Johannes": ("Hans", "Jo"), "Wolfgang": ("Wolf",), "Maximilian": ("Max",),
    "Friedrich": ("Fritz",), "Katharina": ("Kathi", "Katja"), "Susanne": ("Susi",),
    "Nicolas": ("Nico",), "Frédéric": ("Fred",), "Christophe": ("Chris",),
    "Maxime": ("Max",), "Guillaume": ("Guille",), "Isabelle": ("Isa",),
    "Willem": ("Wim",), "Cornelis": ("Kees",), "Hendrik": ("Henk",), "Mohammed": ("Mo",),
    "Aleksandra": ("Ola",), "Dmitri": ("Dima",), "Anastasia": ("Nastya",),
}  # fmt: skip

# Free-mail domains by country live in places.Country.domains; work email uses the company.
COMPANY_WORDS = words(
    "Acme Northwind Blue_Harbor Summit Evergreen Silverline Redwood Brightside Keystone "
    "Pinnacle Horizon Oakridge Riverbend Maple_Leaf Ironwood Sunflower Lighthouse Copperfield "
    "Greenfield Starling Westbrook Eastgate Bluebird Cedar_Point Goldcrest Foxglove Harborview "
    "Stonebridge Wildflower Nordic Alpine Atlas Orion Juniper Willowbrook Clearwater Highland "
    "Meridian Sterling Cobalt Lumen Vantage Aurora Beacon Crescent Fjord Granite Halcyon"
)
COMPANY_KINDS = words(
    "Trading Logistics Studio Bakery Consulting Design Outdoor_Living Kitchens Coffee_Roasters "
    "Garden_Supply Fitness Dental Legal Realty Interiors Media Software Analytics Wines "
    "Brewing Florist Catering Motors Pet_Care Tailors Print_Works Travel Yoga Ceramics "
    "Hardware Textiles Organics Pharmacy Photography Events Cycles Books Surf_Shop Bistro"
)

TAGS = words(
    "newsletter wholesale-lead spring-2025 summer-2025 autumn-2024 black-friday-2024 "
    "holiday-2024 vip referral repeat-buyer first-order abandoned-cart instagram tiktok "
    "trade-show webinar high-intent price-sensitive b2b gift-buyer eco loyalty beta-tester "
    "support-escalation influencer local international pop-up-store sample-request catalog "
    "birthday-club student teacher-discount"
)
LOYALTY_TIERS = ("bronze", "silver", "gold", "platinum")
LANGUAGES = {"US": "en", "GB": "en", "CA": "en", "AU": "en", "DE": "de", "FR": "fr",
             "ES": "es", "MX": "es", "IT": "it", "NL": "nl"}  # fmt: skip
INTERESTS = words(
    "outdoor-kitchens grills patio-furniture coffee tea running yoga cycling skincare "
    "fragrance home-decor gardening pets baby kids-toys books vinyl gaming photography "
    "camping wine cooking fashion sneakers jewelry watches"
)

# Acquisition channel → (share, utm_source, utm_medium); campaigns follow the season.
ACQUISITION: tuple[tuple[str, int, str | None, str | None], ...] = (
    ("organic_search", 22, None, None),
    ("paid_search", 14, "google", "cpc"),
    ("paid_social", 12, "facebook", "paid_social"),
    ("instagram", 8, "instagram", "social"),
    ("tiktok", 4, "tiktok", "social"),
    ("email", 8, "newsletter", "email"),
    ("referral", 9, "friend-referral", "referral"),
    ("direct", 12, None, None),
    ("shopify", 6, None, None),
    ("chat", 3, None, None),
    ("trade_show", 1, "trade-show", "event"),
    ("affiliate", 1, "partner", "affiliate"),
)
DUP_SOURCES = ("chat", "import", "manual", "shopify", "api", "phone")
