import torch
from torch import nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class Attention(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.w = nn.Linear(hidden, hidden, bias=False)
        self.v = nn.Parameter(torch.rand(hidden))

    def forward(self, outputs):
        scores = torch.tanh(self.w(outputs)) @ self.v
        weights = F.softmax(scores, dim=1)
        return torch.bmm(weights.unsqueeze(1), outputs).squeeze(1)


class Classifier(nn.Module):
    def __init__(self, embeddings, hidden=64, n_classes=3):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(embeddings, freeze=True)
        self.gru = nn.GRU(embeddings.shape[1], hidden, batch_first=True)
        self.attention = Attention(hidden)
        self.out = nn.Linear(hidden, n_classes)

    def forward(self, tokens, lengths):
        x = self.embedding(tokens)
        packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, h = self.gru(packed)
        out, _ = pad_packed_sequence(out, batch_first=True)
        return self.out(self.attention(out))
