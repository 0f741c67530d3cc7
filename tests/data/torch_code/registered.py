import torch
import torch.nn as nn
import torch.nn.functional as F
from collections import OrderedDict

device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')

class TextRNN(nn.Module):
    def __init__(self, vocab_size, embed_dim, hidden_dim, num_layers, num_classes, dropout=0.5, pretrained=None):
        super(TextRNN, self).__init__()
        if pretrained is not None:
            self.embedding = nn.Embedding.from_pretrained(pretrained, freeze=False)
        else:
            self.embedding = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.lstm = nn.LSTM(embed_dim, hidden_dim, num_layers, batch_first=True,
                            dropout=dropout if num_layers > 1 else 0, bidirectional=True)
        self.layers = nn.ModuleList()
        for i in range(2):
            self.layers.append(nn.Linear(hidden_dim * 2, hidden_dim * 2))
        self.head = nn.Sequential(OrderedDict([
            ('fc1', nn.Linear(hidden_dim * 2, 64)),
            ('relu', nn.ReLU()),
            ('fc2', nn.Linear(64, num_classes)),
        ]))
        self.extra = nn.ModuleDict()
        self.extra['norm'] = nn.LayerNorm(hidden_dim * 2)
        self.add_module('drop', nn.Dropout(dropout))
        self.register_buffer('mask', torch.zeros(10))
        nn.init.xavier_uniform_(self.head.fc1.weight)
        self.hidden_dim = hidden_dim
        self.num_layers = num_layers

    def forward(self, x):
        h0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_dim).to(device)
        c0 = torch.zeros(self.num_layers * 2, x.size(0), self.hidden_dim).to(device)
        emb = self.drop(self.embedding(x))
        out, (hn, cn) = self.lstm(emb, (h0, c0))
        out = out[:, -1, :]
        for layer in self.layers:
            out = F.relu(layer(out))
        out = self.extra['norm'](out)
        return F.log_softmax(self.head(out), dim=1)

