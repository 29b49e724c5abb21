"""Band 3 of basic-python: medium problems, a few lines around one idea.

Same shape as problems_very_easy.py.
"""

PROBLEMS = [
    dict(
        prompt='''def fizzbuzz_word(n: int) -> str:
    """The word said for n in the counting game: 'FizzBuzz' when n is a multiple of both
    3 and 5, 'Fizz' for other multiples of 3, 'Buzz' for other multiples of 5, and the
    number itself written in digits otherwise.
    >>> fizzbuzz_word(9)
    'Fizz'
    >>> fizzbuzz_word(7)
    '7'
    """
''',
        solution='''    if n % 15 == 0:
        return 'FizzBuzz'
    if n % 3 == 0:
        return 'Fizz'
    if n % 5 == 0:
        return 'Buzz'
    return str(n)
''',
        tests='''    assert candidate(1) == '1'
    assert candidate(3) == 'Fizz'
    assert candidate(10) == 'Buzz'
    assert candidate(30) == 'FizzBuzz'
    assert candidate(98) == '98'
''',
    ),
    dict(
        prompt='''def lcm(a: int, b: int) -> int:
    """Least common multiple of two positive integers: the smallest positive number that
    both a and b divide.
    >>> lcm(4, 6)
    12
    """
''',
        solution='''    x, y = a, b
    while y:
        x, y = y, x % y
    return a * b // x
''',
        tests='''    assert candidate(1, 1) == 1
    assert candidate(3, 5) == 15
    assert candidate(12, 18) == 36
    assert candidate(7, 14) == 14
    assert candidate(21, 6) == 42
''',
    ),
    dict(
        prompt='''from typing import Dict


def word_frequencies(sentence: str) -> Dict[str, int]:
    """Count each whitespace-separated word of sentence, ignoring case; the keys are the
    lower-case words in the order they first appear.
    >>> word_frequencies('The cat saw the dog')
    {'the': 2, 'cat': 1, 'saw': 1, 'dog': 1}
    """
''',
        solution='''    counts = {}
    for word in sentence.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts
''',
        tests='''    assert candidate('') == {}
    assert candidate('a A a') == {'a': 3}
    assert candidate('red blue Red green BLUE') == {'red': 2, 'blue': 2, 'green': 1}
''',
    ),
    dict(
        prompt='''from typing import List


def chunk(values: List[int], size: int) -> List[List[int]]:
    """Cut values into consecutive pieces of length size; the final piece may be shorter.
    size is at least 1.
    >>> chunk([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
''',
        solution='''    return [values[i:i + size] for i in range(0, len(values), size)]
''',
        tests='''    assert candidate([], 3) == []
    assert candidate([1, 2, 3], 1) == [[1], [2], [3]]
    assert candidate([1, 2, 3], 3) == [[1, 2, 3]]
    assert candidate([1, 2, 3, 4, 5, 6, 7], 3) == [[1, 2, 3], [4, 5, 6], [7]]
''',
    ),
    dict(
        prompt='''from typing import List


def rotate_right(values: List[int], k: int) -> List[int]:
    """Move every element k places towards the end, wrapping the ones that fall off the
    end round to the front. k is never negative and may exceed the length.
    >>> rotate_right([1, 2, 3, 4, 5], 2)
    [4, 5, 1, 2, 3]
    """
''',
        solution='''    if not values:
        return []
    k %= len(values)
    return values[len(values) - k:] + values[:len(values) - k]
''',
        tests='''    assert candidate([], 4) == []
    assert candidate([1, 2, 3], 0) == [1, 2, 3]
    assert candidate([1, 2, 3], 3) == [1, 2, 3]
    assert candidate([1, 2, 3], 4) == [3, 1, 2]
    assert candidate([9, 8], 1) == [8, 9]
''',
    ),
    dict(
        prompt='''def reverse_number(n: int) -> int:
    """Read the digits of the non-negative integer n backwards and return that number;
    zeros that end up in front disappear.
    >>> reverse_number(1230)
    321
    """
''',
        solution='''    result = 0
    while n > 0:
        result = result * 10 + n % 10
        n //= 10
    return result
''',
        tests='''    assert candidate(0) == 0
    assert candidate(5) == 5
    assert candidate(12345) == 54321
    assert candidate(1000) == 1
    assert candidate(907) == 709
''',
    ),
    dict(
        prompt='''def is_anagram(first: str, second: str) -> bool:
    """Whether the letters of first can be rearranged into second. Case and spaces do not
    matter.
    >>> is_anagram('Listen', 'Silent')
    True
    >>> is_anagram('apple', 'paper')
    False
    """
''',
        solution='''    a = sorted(first.replace(' ', '').lower())
    b = sorted(second.replace(' ', '').lower())
    return a == b
''',
        tests='''    assert candidate('', '') == True
    assert candidate('dormitory', 'dirty room') == True
    assert candidate('abc', 'abcc') == False
    assert candidate('Night', 'thing') == True
    assert candidate('aab', 'abb') == False
''',
    ),
    dict(
        prompt='''def count_bits(n: int) -> int:
    """Number of 1s in the base-2 form of the non-negative integer n.
    >>> count_bits(13)
    3
    """
''',
        solution='''    count = 0
    while n:
        count += n & 1
        n >>= 1
    return count
''',
        tests='''    assert candidate(0) == 0
    assert candidate(1) == 1
    assert candidate(8) == 1
    assert candidate(255) == 8
    assert candidate(511) == 9
''',
    ),
    dict(
        prompt='''from typing import List


def transpose(matrix: List[List[int]]) -> List[List[int]]:
    """Swap the rows and the columns of a rectangular matrix given as a list of rows.
    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    """
''',
        solution='''    if not matrix:
        return []
    return [[row[c] for row in matrix] for c in range(len(matrix[0]))]
''',
        tests='''    assert candidate([]) == []
    assert candidate([[7]]) == [[7]]
    assert candidate([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]
    assert candidate([[1], [2], [3]]) == [[1, 2, 3]]
''',
    ),
    dict(
        prompt='''def most_common_char(text: str) -> str:
    """The character that occurs most often in the non-empty text; when several are tied,
    the one that appears first in text.
    >>> most_common_char('abracadabra')
    'a'
    """
''',
        solution='''    counts = {}
    for ch in text:
        counts[ch] = counts.get(ch, 0) + 1
    best = text[0]
    for ch in text:
        if counts[ch] > counts[best]:
            best = ch
    return best
''',
        tests='''    assert candidate('z') == 'z'
    assert candidate('xyzzy') == 'y'
    assert candidate('aabb') == 'a'
    assert candidate('bbaa') == 'b'
    assert candidate('1 2 3') == ' '
''',
    ),
    dict(
        prompt='''from typing import Dict, List


def zip_to_dict(keys: List[str], values: List[int]) -> Dict[str, int]:
    """Pair the i-th key with the i-th value; extra keys or values without a partner are
    left out, and a repeated key keeps its last value.
    >>> zip_to_dict(['a', 'b'], [1, 2])
    {'a': 1, 'b': 2}
    """
''',
        solution='''    result = {}
    for key, value in zip(keys, values):
        result[key] = value
    return result
''',
        tests='''    assert candidate([], [1]) == {}
    assert candidate(['x', 'y', 'z'], [1, 2]) == {'x': 1, 'y': 2}
    assert candidate(['k', 'k'], [1, 2]) == {'k': 2}
    assert candidate(['one'], [1, 2, 3]) == {'one': 1}
''',
    ),
    dict(
        prompt='''from typing import List


def interleave(a: List[int], b: List[int]) -> List[int]:
    """Take elements alternately from a and b, starting with a; when one list runs out,
    the rest of the other follows.
    >>> interleave([1, 2, 3], [10, 20])
    [1, 10, 2, 20, 3]
    """
''',
        solution='''    result = []
    for i in range(max(len(a), len(b))):
        if i < len(a):
            result.append(a[i])
        if i < len(b):
            result.append(b[i])
    return result
''',
        tests='''    assert candidate([], []) == []
    assert candidate([], [4, 5]) == [4, 5]
    assert candidate([1], [2, 3, 4]) == [1, 2, 3, 4]
    assert candidate([1, 3, 5], [2, 4, 6]) == [1, 2, 3, 4, 5, 6]
''',
    ),
    dict(
        prompt='''def collatz_steps(n: int) -> int:
    """Starting from the positive integer n, repeatedly halve it when it is even or
    replace it by 3 * n + 1 when it is odd; count the moves needed to reach 1.
    >>> collatz_steps(6)
    8
    """
''',
        solution='''    steps = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
    return steps
''',
        tests='''    assert candidate(1) == 0
    assert candidate(2) == 1
    assert candidate(3) == 7
    assert candidate(27) == 111
''',
    ),
    dict(
        prompt='''from typing import List


def moving_average(values: List[float], window: int) -> List[float]:
    """Mean of every run of window consecutive values, from the left; empty when the list
    is shorter than window.
    >>> moving_average([2, 4, 6, 8], 2)
    [3.0, 5.0, 7.0]
    """
''',
        solution='''    return [sum(values[i:i + window]) / window for i in range(len(values) - window + 1)]
''',
        tests='''    assert candidate([1, 2], 3) == []
    assert candidate([5], 1) == [5.0]
    assert candidate([1, 2, 3, 4], 4) == [2.5]
    assert candidate([3, 3, 9, 0], 3) == [5.0, 4.0]
''',
    ),
    dict(
        prompt='''def snake_to_camel(name: str) -> str:
    """Turn a snake_case identifier into camelCase: drop the underscores and capitalise
    the first letter of every part after the first.
    >>> snake_to_camel('max_line_length')
    'maxLineLength'
    """
''',
        solution='''    parts = name.split('_')
    return parts[0] + ''.join(part.capitalize() for part in parts[1:])
''',
        tests='''    assert candidate('name') == 'name'
    assert candidate('a_b') == 'aB'
    assert candidate('user_id') == 'userId'
    assert candidate('to_json_string') == 'toJsonString'
''',
    ),
    dict(
        prompt='''from typing import List


def missing_number(values: List[int]) -> int:
    """values holds every integer from 0 to len(values) except exactly one, in any order.
    Find the one that is not there.
    >>> missing_number([3, 0, 1])
    2
    """
''',
        solution='''    n = len(values)
    return n * (n + 1) // 2 - sum(values)
''',
        tests='''    assert candidate([]) == 0
    assert candidate([0]) == 1
    assert candidate([1]) == 0
    assert candidate([4, 2, 0, 1, 5]) == 3
''',
    ),
]
