import RegBN
