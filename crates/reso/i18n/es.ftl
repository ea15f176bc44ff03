app-name = Reso
